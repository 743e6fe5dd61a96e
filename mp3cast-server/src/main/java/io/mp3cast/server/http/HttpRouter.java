package io.mp3cast.server.http;

import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.ingest.IngestAuth;
import io.mp3cast.server.ingest.IngestRequests;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.server.ops.Health;
import io.mp3cast.server.status.IcecastStatus;
import io.mp3cast.server.status.StatusPages;
import io.mp3cast.server.streams.RequestStream;
import io.mp3cast.server.web.WebResources;
import io.mp3cast.spec.Params;
import io.mp3cast.spec.SourceSpecs;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.StreamRequest;
import io.mp3cast.source.AudioSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request: status pages, admin calls, live mounts, per-request routes; 404 for unknown
 * paths, 405 for wrong methods, 400 naming the bad value. Streaming responses remove the HTTP codec
 * and write raw bytes (see {@link HttpWire}); everything else is a small full response sent by
 * {@link Responses}.
 *
 * <p><b>Every request gets an answer.</b> A malformed request (the parser failed, HTTP/1.1
 * without one {@code Host}, a path that is not one: see {@link RequestPath}) gets its 4xx and the
 * connection closes, since the parser's state cannot be trusted after it. A bad value gets 400; any
 * unexpected exception gets {@code 500 internal error} with a request id, never its text. Each is
 * logged once, in one line with that id, rate-limited ({@link ErrorLog}).
 *
 * <p>Threading: one instance per channel, on its event loop.
 */
public final class HttpRouter extends ChannelInboundHandlerAdapter {
    public static final String CODEC = "http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    private static final AttributeKey<RequestStream> STREAM = AttributeKey.valueOf("mp3cast.stream");
    /** The length a live stream claims in Content-Range, since it has none: 2^31 - 1 bytes. */
    static final long LIVE_VIRTUAL_LENGTH = Integer.MAX_VALUE;
    /** A live listener's own burst, in milliseconds. */
    static final String BURST_PARAM = "burst-ms";

    private final ServerState state;
    private final ConnectionGuard guard;
    /** The request being routed, for an exception that surfaces outside {@link #route}. */
    private HttpRequest current;

    public HttpRouter(ServerState state, ConnectionGuard guard) {
        this.state = state;
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                current = req;
                ConnectionTimer.requestReceived(ctx.channel());
                route(ctx, req);
            }
        } catch (RuntimeException e) {
            failed(ctx, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        RequestStream s = ctx.channel().attr(STREAM).get();
        if (s != null) {
            s.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            failed(ctx, cause);
        }
    }

    /** An unexpected exception: 500 if the codec is still there to send it, else the connection closes; one log line. */
    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel().isActive() && ctx.pipeline().get(CODEC) != null) {
            FullHttpResponse res = Responses.internalErrorResponse(ctx, current, state.errors(), cause);
            state.ops().accessLog().end(ctx.channel(), 500, res.content().readableBytes());
            Responses.sendAndClose(ctx, res);
        } else {
            state.errors().log(state.errors().nextId(), Responses.describe(current), ctx.channel().remoteAddress(),
                    500, "internal error after the response began: connection closed", cause);
            ctx.close();
        }
    }

    private void route(ChannelHandlerContext ctx, HttpRequest req) {
        Optional<String> malformed = malformed(req);
        if (malformed.isPresent()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.BAD_REQUEST;
            error(ctx, req, status, malformed.get(), true);
            return;
        }
        String path;
        try {
            path = RequestPath.of(req.uri());
        } catch (IllegalArgumentException e) {
            error(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage(), true);
            return;
        }
        String overCap = ConnectionGuard.overCap(ctx.channel());
        if (overCap != null && !guard.exempt(path)) {
            error(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "service unavailable: " + overCap + "; try again later",
                    true);
            return;
        }
        long requestNanos = System.nanoTime();
        try {
            QueryStringDecoder query = new QueryStringDecoder(req.uri());
            query.parameters();  // a bad escape in the query throws here, for its 400
            dispatch(ctx, req, path, query, requestNanos);
        } catch (IllegalArgumentException e) {
            error(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage(), false);
        }
    }

    /** Why the request cannot be trusted, if it cannot: the parser failed, or HTTP/1.1 without one Host. */
    private static Optional<String> malformed(HttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            return Optional.of("malformed request: " + req.decoderResult().cause().getMessage());
        }
        if (req.protocolVersion().equals(HttpVersion.HTTP_1_1) && req.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            return Optional.of("malformed request: HTTP/1.1 needs exactly one Host header");
        }
        try {
            HttpUtil.getContentLength(req, 0L);
        } catch (NumberFormatException e) {
            return Optional.of("malformed request: Content-Length is not a number of bytes");
        }
        return Optional.empty();
    }

    private void dispatch(ChannelHandlerContext ctx, HttpRequest req, String path, QueryStringDecoder query,
                          long requestNanos) {
        HttpMethod method = req.method();
        if (Health.isHealthPath(path)) {
            health(ctx, req, path);
            return;
        }
        state.ops().accessLog().begin(ctx.channel(), req);
        if (state.ops().health().isDraining() && !isStatusPage(path)) {
            error(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is stopping", true);
            return;
        }
        boolean known = isKnown(path);
        if (IngestRequests.isSourceRequest(req) && IngestRequests.pushable(state, path, known)) {
            IngestRequests.accept(ctx, req, path, query, state);
            return;
        }
        if (known && method.equals(HttpMethod.OPTIONS)) {
            preflight(ctx, req);
            return;
        }
        if (known && !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            methodNotAllowed(ctx, req);
            return;
        }
        switch (path) {
            case ReservedPaths.STATUS_JSON -> json(ctx, req, StatusPages.mp3cast(state));
            case ReservedPaths.ICECAST_STATUS -> json(ctx, req, IcecastStatus.json(state,
                    req.headers().get(HttpHeaderNames.HOST), isTls(ctx)));
            case ReservedPaths.ADMIN_METADATA -> adminMetadata(ctx, req, query);
            case ReservedPaths.STREAM_LIST -> streamList(ctx, req);
            case "/admin/stats", "/admin/stats.xml" -> adminXml(ctx, req, () -> IcecastStatus.statsXml(state,
                    req.headers().get(HttpHeaderNames.HOST), isTls(ctx)));
            case "/admin/listclients", "/admin/listclients.xml" -> adminXml(ctx, req, () -> listClients(query));
            case ReservedPaths.METRICS -> metrics(ctx, req);
            default -> {
                LiveMount mount = state.mounts().get(path);
                ServerState.Route route = state.routes().get(path);
                if (mount != null) {
                    listen(ctx, req, query, mount);
                } else if (route != null) {
                    stream(ctx, req, query, route, requestNanos);
                } else if (Hls.owns(path)) {
                    hls(ctx, req, path, query);
                } else if (WebResources.owns(path)) {
                    state.ops().tally().fileConnections.increment();
                    send(ctx, req, WebResources.CLASSPATH.respond(req, path));
                } else {
                    error(ctx, req, HttpResponseStatus.NOT_FOUND, "no mount or route at " + path, false);
                }
            }
        }
    }

    /** A playlist, segment or part: most at once; a low-latency request for what is not made yet when it is. */
    private void hls(ChannelHandlerContext ctx, HttpRequest req, String path, QueryStringDecoder query) {
        state.hls().respond(req, path, query, state.mounts(), ctx.executor()).thenAccept(res -> {
            if (ctx.executor().inEventLoop()) {
                send(ctx, req, res);
            } else {
                ctx.executor().execute(() -> send(ctx, req, res));
            }
        });
    }

    /** Paths served while the server drains: status, admin, metrics. */
    private static boolean isStatusPage(String path) {
        return path.equals("/status.json") || path.equals("/status-json.xsl") || path.startsWith("/admin/")
                || path.equals("/metrics");
    }

    private boolean isKnown(String path) {
        return ReservedPaths.isReserved(path) || state.mounts().containsKey(path) || state.routes().containsKey(path)
                || WebResources.owns(path) || Hls.owns(path);
    }

    // ---- live mounts

    /**
     * A listener joins. A small bounded range gets exactly those bytes of the burst (Safari's
     * {@code bytes=0-1} probe); {@code bytes=0-} gets 206 and the stream; any other range is ignored
     * (200 and the stream), so that every byte sent matches its Content-Range.
     */
    private void listen(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder query, LiveMount mount) {
        OptionalInt burstMillis = burstMillis(query, mount);
        boolean icy = "1".equals(req.headers().get("Icy-MetaData"));
        Optional<ByteRange> range = ByteRange.parse(req.headers().get(HttpHeaderNames.RANGE));
        HttpHeaders headers = audioHeaders();
        mount.icyHeaders(headers);
        if (range.isPresent() && range.get().isSmall() && smallRange(ctx, req, mount, range.get(), headers)) {
            return;
        }
        if (icy) {
            headers.set("icy-metaint", mount.config().icyMetaIntervalBytes());
        }
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (range.isPresent() && range.get().start() == 0 && range.get().end() < 0) {
            status = HttpResponseStatus.PARTIAL_CONTENT;
            headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes 0-" + (LIVE_VIRTUAL_LENGTH - 1) + "/" + LIVE_VIRTUAL_LENGTH);
            headers.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        }
        if (req.method().equals(HttpMethod.HEAD)) {
            headOnly(ctx, req, status, headers);
            return;
        }
        boolean chunked = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.pipeline().remove(CODEC);
        state.ops().tally().listenerConnections.increment();
        mount.join(ctx.channel(), req.protocolVersion(), status, headers, chunked, icy, burstMillis,
                req.headers().get(HttpHeaderNames.USER_AGENT, ""), state.ops().accessLog());
    }

    /**
     * {@code ?burst-ms=N}: this listener's own burst, in whole frames, with no byte floor (a player
     * that decodes for itself needs no 32 KiB to start); the mount's burst when absent.
     */
    private static OptionalInt burstMillis(QueryStringDecoder query, LiveMount mount) {
        Params p = firstValues(query);
        return p.has(BURST_PARAM)
                ? OptionalInt.of(p.integer(BURST_PARAM, 0, 0, mount.maxBurstMillis()))
                : OptionalInt.empty();
    }

    /**
     * Bytes {@code [start, end]} of the burst a new listener would get, as 206; false (nothing sent)
     * when the burst does not reach {@code start}, and the listener gets the stream instead.
     */
    private boolean smallRange(ChannelHandlerContext ctx, HttpRequest req, LiveMount mount, ByteRange range,
                               HttpHeaders headers) {
        ByteBuf body = mount.burstBytes(ctx.alloc(), range.start(), (int) range.length());
        if (!body.isReadable()) {
            body.release();
            if (mount.stream().head() == mount.stream().burstStart()) {
                error(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, mount.config().path() + " has no audio yet", false);
                return true;
            }
            return false;
        }
        headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range.start() + "-"
                + (range.start() + body.readableBytes() - 1) + "/" + LIVE_VIRTUAL_LENGTH);
        headers.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        int length = body.readableBytes();
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.PARTIAL_CONTENT,
                head ? Unpooled.EMPTY_BUFFER : body);
        if (head) {
            body.release();
        }
        res.headers().set(headers);
        HttpUtil.setContentLength(res, length);
        send(ctx, req, res);
        return true;
    }

    static HttpHeaders audioHeaders() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.CONTENT_TYPE, "audio/mpeg");
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
        h.set(HttpHeaderNames.PRAGMA, "no-cache");
        h.set(HttpHeaderNames.EXPIRES, "0");
        h.set("X-Content-Type-Options", "nosniff");
        Responses.common(h);
        return h;
    }

    // ---- per-request streams

    private void stream(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder query, ServerState.Route route,
                        long requestNanos) {
        StreamRequest sr = new StreamRequest(route.path(), query.parameters(), lowerCaseHeaders(req),
                String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", ""), state.scheduler());
        EncoderSettings settings = route.queryEncoderParams()
                ? SourceSpecs.encoder(firstValues(query), route.settings()) : route.settings();
        if (!reserveStream()) {
            state.metrics().streamRefused(route.path());
            error(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many open streams (" + state.maxOpenStreams() + ")",
                    false);
            return;
        }
        AudioSource source;
        try {
            source = route.factory().open(sr);
        } catch (RuntimeException e) {
            state.openStreams().decrementAndGet();
            throw e;
        }
        try {
            settings.effectiveBitrateKbps(source.format());  // a bad bitrate gets its 400 here; the stream's job opens LAME
        } catch (RuntimeException e) {
            state.openStreams().decrementAndGet();
            source.close();
            throw e;
        }
        HttpHeaders headers = audioHeaders();
        if (req.method().equals(HttpMethod.HEAD)) {
            state.openStreams().decrementAndGet();
            source.close();
            headOnly(ctx, req, HttpResponseStatus.OK, headers);
            return;
        }
        boolean chunked = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
        headers.set(chunked ? HttpHeaderNames.TRANSFER_ENCODING : HttpHeaderNames.CONNECTION,
                chunked ? HttpHeaderValues.CHUNKED : HttpHeaderValues.CLOSE);
        ctx.pipeline().remove(CODEC);
        RequestStream stream = new RequestStream(route.path(), ctx.channel(), source, settings, chunked,
                state.metrics(), state.openStreams(), requestNanos, state.ops().accessLog(),
                state.limits().writeTimeoutMillis());
        ctx.channel().attr(STREAM).set(stream);
        // Scheduled before the head is written, so a client holding the head knows its stream is
        // scheduled (tests on a manual clock rely on it). The head still goes first: the stream writes
        // from scheduler threads, and those writes reach this event loop after the current task.
        stream.start(state.streams());
        ctx.writeAndFlush(HttpWire.head(ctx.alloc(), req.protocolVersion(), HttpResponseStatus.OK, headers),
                ctx.voidPromise());
    }

    /**
     * Counts a stream open if there is room under the limit, in one step: event loops check and
     * count at once, so two requests cannot both take the last place. The stream gives it back when
     * it closes ({@link RequestStream}).
     */
    private boolean reserveStream() {
        int open;
        do {
            open = state.openStreams().get();
            if (open >= state.maxOpenStreams()) {
                return false;
            }
        } while (!state.openStreams().compareAndSet(open, open + 1));
        return true;
    }

    public static Params firstValues(QueryStringDecoder query) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, List<String>> e : query.parameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                m.put(e.getKey(), e.getValue().get(0));
            }
        }
        return new Params(m);
    }

    private static Map<String, String> lowerCaseHeaders(HttpRequest req) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            m.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        return m;
    }

    // ---- admin

    private void adminMetadata(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder query) {
        if (!authorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized(ctx, req, "admin credentials required");
            return;
        }
        Params p = firstValues(query);
        String mode = p.string("mode", null);
        if (!"updinfo".equals(mode)) {
            throw new IllegalArgumentException("mode: '" + mode + "' not supported (updinfo)");
        }
        String path = p.string("mount", null);
        if (path == null) {
            throw new IllegalArgumentException("mount: missing");
        }
        LiveMount mount = state.mounts().get(path);
        if (mount == null) {
            error(ctx, req, HttpResponseStatus.NOT_FOUND, "mount: no mount at " + path, false);
            return;
        }
        String song = p.string("song", null);
        if (song == null) {
            String title = p.string("title", null);
            String artist = p.string("artist", null);
            if (title == null) {
                throw new IllegalArgumentException("song: missing");
            }
            song = artist == null ? title : artist + " - " + title;
        }
        mount.setTitle(song);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer("<?xml version=\"1.0\"?>\n<iceresponse><message>Metadata update successful"
                        + "</message><return>1</return></iceresponse>\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8");
        send(ctx, req, res);
    }

    /**
     * Icecast's stream list, for slaves: every mount's path, one per line, in the order they were added.
     * A slave asks over HTTP/1.0 with the relay user's credentials (or the admin's) and reads to the end.
     */
    private void streamList(ChannelHandlerContext ctx, HttpRequest req) {
        if (!relayAuthorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized(ctx, req, state.master().relayPassword() == null
                    ? "relay credentials required; this server has no relay password (--relay-password)"
                    : "relay credentials required (user '" + state.master().relayUser() + "')");
            return;
        }
        StringBuilder list = new StringBuilder();
        state.mounts().keySet().forEach(path -> list.append(path).append('\n'));
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(list, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        send(ctx, req, res);
    }

    /** Icecast's admin XML documents, for admin credentials. */
    private void adminXml(ChannelHandlerContext ctx, HttpRequest req, java.util.function.Supplier<String> body) {
        if (!authorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized(ctx, req, "admin credentials required");
            return;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body.get(), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        send(ctx, req, res);
    }

    /** The relay user's credentials, or the admin's. */
    private boolean relayAuthorized(String header) {
        Optional<String[]> credentials = IngestAuth.basic(header);
        if (credentials.isEmpty()) {
            return false;
        }
        String user = credentials.get()[0];
        String given = credentials.get()[1];
        String relay = state.master().relayPassword();
        String admin = state.adminPassword();
        return relay != null && user.equals(state.master().relayUser()) && IngestAuth.constantTimeEquals(given, relay)
                || admin != null && user.equals("admin") && IngestAuth.constantTimeEquals(given, admin);
    }

    private String listClients(QueryStringDecoder query) {
        String path = firstValues(query).string("mount", null);
        if (path == null) {
            throw new IllegalArgumentException("mount: missing (listclients?mount=/stream.mp3)");
        }
        LiveMount mount = state.mounts().get(path);
        if (mount == null) {
            throw new IllegalArgumentException("mount: no mount at " + path);
        }
        return IcecastStatus.listClientsXml(mount);
    }

    /** Whether the connection is encrypted (TLS on this port, sniffed, or a TLS port). */
    public static boolean isTls(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }

    /** Admin credentials (user admin or source), or a source's (Icecast's clients update titles with those). */
    private boolean authorized(String header) {
        Optional<String[]> credentials = IngestAuth.basic(header);
        if (credentials.isEmpty()) {
            return false;
        }
        String user = credentials.get()[0];
        String given = credentials.get()[1];
        String admin = state.adminPassword();
        String source = state.ingest().settings().sourcePassword();
        boolean adminOk = admin != null && (user.equals("admin") || user.equals(IngestAuth.USER))
                && IngestAuth.constantTimeEquals(given, admin);
        boolean sourceOk = source != null && user.equals(IngestAuth.USER) && IngestAuth.constantTimeEquals(given, source);
        return adminOk || sourceOk;
    }

    // ---- health and metrics

    private void health(ChannelHandlerContext ctx, HttpRequest req, String path) {
        state.ops().health().check(path, ctx.executor(), (code, text) -> {
            FullHttpResponse res = text(req, HttpResponseStatus.valueOf(code), text);
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            if (req.method().equals(HttpMethod.HEAD)) {
                HttpUtil.setContentLength(res, res.content().readableBytes());
                res.content().clear();
            }
            ctx.executor().execute(() -> {
                if (ctx.isRemoved()) {
                    res.release(); // the client left (or the connection was closed) while the check ran
                } else {
                    send(ctx, req, res);
                }
            });
        });
    }

    /** Prometheus's text format, for loopback clients and admin credentials (user admin) only. */
    private void metrics(ChannelHandlerContext ctx, HttpRequest req) {
        if (!IngestAuth.isLoopback(ctx.channel().remoteAddress()) && !adminAuthorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized(ctx, req, "admin credentials required (user admin), or ask from this machine");
            return;
        }
        Optional<String> text = state.metrics().prometheusText();
        if (text.isEmpty()) {
            error(ctx, req, HttpResponseStatus.NOT_FOUND, "metrics are off: the server runs without a Prometheus registry", false);
            return;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(text.get(), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        send(ctx, req, res);
    }

    private void unauthorized(ChannelHandlerContext ctx, HttpRequest req, String message) {
        error(ctx, req, HttpResponseStatus.UNAUTHORIZED, message, false);
    }

    /** The admin password with user {@code admin}. */
    private boolean adminAuthorized(String header) {
        Optional<String[]> credentials = IngestAuth.basic(header);
        String admin = state.adminPassword();
        return credentials.isPresent() && admin != null && credentials.get()[0].equals("admin")
                && IngestAuth.constantTimeEquals(credentials.get()[1], admin);
    }

    // ---- small responses

    private void json(ChannelHandlerContext ctx, HttpRequest req, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        send(ctx, req, res);
    }

    private void headOnly(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, HttpHeaders headers) {
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status, Unpooled.EMPTY_BUFFER);
        res.headers().set(headers);
        send(ctx, req, res);
    }

    private void preflight(ChannelHandlerContext ctx, HttpRequest req) {
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NO_CONTENT);
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Icy-MetaData, Range, Authorization");
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        send(ctx, req, res);
    }

    private void methodNotAllowed(ChannelHandlerContext ctx, HttpRequest req) {
        FullHttpResponse res = Responses.text(req.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                req.method() + " not allowed here (GET, HEAD)");
        res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
        send(ctx, req, res);
    }

    /** Every refusal: the one error path ({@link Responses#errorResponse}), then {@link #send} or close. */
    private void error(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String message, boolean close) {
        FullHttpResponse res = Responses.errorResponse(ctx, req, state.errors(), status, message);
        if (close || status.code() >= 500) {
            state.ops().accessLog().end(ctx.channel(), status.code(), res.content().readableBytes());
            Responses.sendAndClose(ctx, req, res);
        } else {
            send(ctx, req, res);
        }
    }

    /** Every full response: into the access log, then {@link Responses#send} (no keep-alive while draining). */
    private void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        state.ops().accessLog().end(ctx.channel(), res.status().code(), res.content().readableBytes());
        if (state.ops().health().isDraining()) {
            Responses.sendAndClose(ctx, res);
        } else {
            Responses.send(ctx, req, res);
        }
    }

    private static FullHttpResponse text(HttpRequest req, HttpResponseStatus status, String message) {
        return Responses.text(req.protocolVersion(), status, message);
    }
}
