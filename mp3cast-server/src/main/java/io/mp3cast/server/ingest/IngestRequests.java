package io.mp3cast.server.ingest;

import io.mp3cast.server.http.BodyDrain;
import io.mp3cast.server.http.HttpRouter;
import io.mp3cast.server.http.Responses;
import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.server.live.MountRegistry;
import io.mp3cast.server.status.StatusPages;
import io.mp3cast.spec.Params;
import io.mp3cast.spec.SourceSpecs;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.live.push.Pacing;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits or refuses a source: {@code PUT}/{@code POST}/{@code SOURCE} of PCM, WAV or MP3 at a mount
 * path, or a WebSocket opened there. In order: credentials (401), what is pushed (400 naming the
 * parameter), the mount (an existing push mount, or one created on the spot: 404 when creating is
 * off, 403 past the mount limit), a free source slot (403 unless takeover). Then the connection
 * is handed to an {@link IngestHandler} in the shape the request has:
 * <ul>
 *   <li>a sized or chunked body: the HTTP codec stays and delivers content; {@code Expect:
 *       100-continue} gets its {@code 100};</li>
 *   <li>no length and no chunking (Icecast's {@code PUT} as ffmpeg sends it, the legacy
 *       {@code SOURCE}): {@code 100 Continue} when asked for, else {@code 200 OK}, then the codec
 *       is removed and the connection's remaining bytes are the stream, until it closes;</li>
 *   <li>a WebSocket upgrade: binary messages are the stream.</li>
 * </ul>
 * A refused request's body is read and dropped (up to {@link BodyDrain}'s limits) so that the
 * producer, which may be writing it, gets the answer rather than a reset connection.
 */
public final class IngestRequests {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRequests.class);
    static final HttpMethod SOURCE = HttpMethod.valueOf("SOURCE");
    /** Paths a source may create: plain segments, nothing under the server's own paths. */
    private static final Pattern CREATABLE = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    /** Socket receive buffer of a source: small, so a paused read slows the producer soon. */
    private static final int SOURCE_RCVBUF_BYTES = 64 * 1024;
    private static final int MAX_WEBSOCKET_MESSAGE_BYTES = 1 << 20;

    private IngestRequests() {}

    /** Whether a request wants to push: a source method, or a WebSocket upgrade. */
    public static boolean isSourceRequest(HttpRequest req) {
        HttpMethod m = req.method();
        return m.equals(HttpMethod.PUT) || m.equals(HttpMethod.POST) || m.equals(SOURCE) || isWebSocket(req);
    }

    static boolean isWebSocket(HttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE, "").trim());
    }

    /** Whether {@code path} takes sources: a push mount, or a path no mount, route or page has. */
    public static boolean pushable(ServerState state, String path, boolean knownOtherwise) {
        LiveMount m = state.mounts().get(path);
        return m != null ? m.push().isPresent() : !knownOtherwise && !path.startsWith("/admin/");
    }

    /**
     * Admits or refuses a source request for {@code path} (normalised, see
     * {@link io.mp3cast.server.http.RequestPath}): origin (403), credentials (401), format (400),
     * mount (404, 403, 409 for a fallback cycle), source slot (403).
     */
    public static void accept(ChannelHandlerContext ctx, HttpRequest req, String path, QueryStringDecoder query,
                              ServerState state) {
        IngestSettings ingest = state.ingest().settings();
        Optional<String> foreign = Origins.check(ingest.allowedOrigins(), req.headers().get(HttpHeaderNames.ORIGIN));
        if (foreign.isPresent()) {
            refuse(ctx, req, state, HttpResponseStatus.FORBIDDEN, foreign.get());
            return;
        }
        Params params = HttpRouter.firstValues(query);
        String token = isWebSocket(req) ? IngestAuth.token(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                params.string("token", null)) : null;
        Optional<String> denied = IngestAuth.check(ingest.sourcePassword(),
                req.headers().get(HttpHeaderNames.AUTHORIZATION), token, ctx.channel().remoteAddress());
        if (denied.isPresent()) {
            refuse(ctx, req, state, HttpResponseStatus.UNAUTHORIZED, denied.get());
            return;
        }
        PushFormat format;
        Pacing pacing;
        try {
            format = PushFormat.parse(params, req.headers().get(HttpHeaderNames.CONTENT_TYPE), req.method().equals(SOURCE));
            pacing = pacing(params.string("pace", "real-time"));
        } catch (IllegalArgumentException e) {
            refuse(ctx, req, state, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        String origin = String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
        boolean existed = state.registry().get(path).isPresent();
        Optional<LiveMount> mount = mountFor(ctx, req, state, path, params, origin);
        if (mount.isEmpty()) {
            return;
        }
        PushFeed feed = mount.get().push().orElseThrow();
        Optional<Producer> source;
        try {
            source = feed.connect(origin, pacing, ingest.takeover());
        } catch (IllegalStateException e) {
            refuse(ctx, req, state, HttpResponseStatus.SERVICE_UNAVAILABLE, path + " is stopping");
            return;
        }
        if (source.isEmpty()) {
            String from = feed.producer().map(Producer::origin).orElse("another source");
            refuse(ctx, req, state, HttpResponseStatus.FORBIDDEN, path + " already has a source (" + from
                    + "); one source per mount" + (ingest.takeover() ? "" : ", and takeover is off"));
            return;
        }
        IngestBody body;
        try {
            body = new IngestBody(source.get(), format);
        } catch (IllegalArgumentException e) {
            source.get().close();
            if (!existed) {
                state.registry().remove(path, mount.get(), "its first producer was refused");
            }
            refuse(ctx, req, state, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        describe(mount.get(), req.headers());
        start(ctx, req, state, mount.get(), source.get(), body, format, existed ? null : state.registry());
    }

    private static Pacing pacing(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "real-time", "realtime", "real_time" -> Pacing.REAL_TIME;
            case "none" -> Pacing.NONE;
            default -> throw new IllegalArgumentException("pace: '" + value + "' not supported (real-time, none)");
        };
    }

    /** The push mount at {@code path}, created if allowed; empty after a refusal was sent. */
    private static Optional<LiveMount> mountFor(ChannelHandlerContext ctx, HttpRequest req, ServerState state,
                                                String path, Params params, String origin) {
        Optional<LiveMount> existing = state.registry().get(path);
        if (existing.isPresent()) {
            return existing;
        }
        IngestContext ingest = state.ingest();
        if (!ingest.settings().createMounts()) {
            refuse(ctx, req, state, HttpResponseStatus.NOT_FOUND, "no mount at " + path
                    + ", and sources may not create mounts here (create-mounts is off)");
            return Optional.empty();
        }
        MountConfig config;
        EncoderSettings encoder;
        try {
            if (!CREATABLE.matcher(path).matches() || path.length() > 200) {
                throw new IllegalArgumentException("path: '" + path + "' cannot be a mount (letters, digits,"
                        + " '.', '_', '-', '~' in '/'-separated parts, at most 200 characters)");
            }
            config = state.registry().producerMountConfig(path);
            encoder = SourceSpecs.encoder(params, ingest.encoderDefaults());
        } catch (IllegalArgumentException e) {
            refuse(ctx, req, state, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return Optional.empty();
        }
        Optional<List<String>> cycle = ingest.fallbacks().cycleIfCreated(path,
                p -> state.registry().get(p).flatMap(LiveMount::push).isPresent());
        if (cycle.isPresent()) {
            refuse(ctx, req, state, HttpResponseStatus.CONFLICT, "cannot create " + path + ": "
                    + FallbackChains.describe(cycle.get()));
            return Optional.empty();
        }
        MountRegistry.Creation made = state.registry().createForProducer(config, encoder);
        switch (made.result()) {
            case CREATED -> LOG.info("{}: created by producer {}", path, origin);
            case EXISTS -> { }
            case LIMIT_REACHED -> refuse(ctx, req, state, HttpResponseStatus.FORBIDDEN, "too many mounts: "
                    + state.registry().maxMounts() + " is the limit (max-mounts)");
            default -> refuse(ctx, req, state, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is stopping");
        }
        return made.mount();
    }

    /** Icecast's {@code ice-*} headers (and SHOUTcast's {@code icy-*}) name the mount for listeners. */
    private static void describe(LiveMount mount, HttpHeaders h) {
        String pub = h.get("ice-public", h.get("icy-pub"));
        mount.describe(h.get("ice-name", h.get("icy-name")), h.get("ice-description", h.get("icy-description")),
                h.get("ice-genre", h.get("icy-genre")), pub == null ? null : pub.trim().equals("1"));
        mount.sourceAgent(h.get(HttpHeaderNames.USER_AGENT));
    }

    private static void start(ChannelHandlerContext ctx, HttpRequest req, ServerState state, LiveMount mount,
                              Producer source, IngestBody body, PushFormat format, MountRegistry createdIn) {
        IngestHandler.Transport transport = isWebSocket(req) ? IngestHandler.Transport.WEBSOCKET
                : isRaw(req) ? IngestHandler.Transport.RAW : IngestHandler.Transport.HTTP_BODY;
        IngestHandler handler = new IngestHandler(mount, source, body, transport, req,
                state.ingest().settings().maxBodyKbps(), state.metrics(), state.errors(), createdIn,
                state.ops().accessLog());
        state.metrics().producerConnected(mount.config().path());
        LOG.info("{}: source {} pushing {} ({}, {})", mount.config().path(), source.origin(), what(format),
                transport.name().toLowerCase(Locale.ROOT).replace('_', ' '), source.pacing() == Pacing.NONE ? "unpaced" : "paced");
        ctx.channel().config().setOption(ChannelOption.SO_RCVBUF, SOURCE_RCVBUF_BYTES);
        ctx.pipeline().replace(ctx.handler(), "ingest", handler);
        switch (transport) {
            case HTTP_BODY -> {
                if (HttpUtil.is100ContinueExpected(req)) {
                    ctx.channel().writeAndFlush(new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.CONTINUE));
                }
            }
            case RAW -> {
                boolean expect = HttpUtil.is100ContinueExpected(req);
                FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                        expect ? HttpResponseStatus.CONTINUE : HttpResponseStatus.OK);
                res.headers().set(HttpHeaderNames.SERVER, StatusPages.SERVER_ID);
                ctx.channel().writeAndFlush(res);
                ctx.pipeline().remove(HttpRouter.CODEC);
            }
            case WEBSOCKET -> handshake(ctx, req);
        }
    }

    /** No length and no chunking: the body is the rest of the connection (Icecast's shape). */
    private static boolean isRaw(HttpRequest req) {
        return !HttpUtil.isTransferEncodingChunked(req) && !req.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    private static void handshake(ChannelHandlerContext ctx, HttpRequest req) {
        String url = (HttpRouter.isTls(ctx) ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost")
                + req.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, IngestAuth.SUBPROTOCOL, false,
                MAX_WEBSOCKET_MESSAGE_BYTES).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        handshaker.handshake(ctx.channel(), new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE));
    }

    private static String what(PushFormat format) {
        return switch (format.kind()) {
            case PCM -> "PCM " + format.pcm();
            case WAV -> "WAV";
            case MP3 -> "MP3";
            case SNIFF -> "WAV or MP3 (from its first bytes)";
        };
    }

    /**
     * Sends an error through the server's one error path ({@link Responses#error}) and closes. A
     * body the producer is sending is read and dropped first ({@link BodyDrain}), so it sees the answer;
     * with {@code Expect: 100-continue} it sends none.
     */
    static void refuse(ChannelHandlerContext ctx, HttpRequest req, ServerState state, HttpResponseStatus status,
                       String message) {
        state.metrics().producerRefused(status.code());
        boolean hasBody = !isRaw(req) && !HttpUtil.is100ContinueExpected(req) && !isWebSocket(req);
        FullHttpResponse res = Responses.errorResponse(ctx, req, state.errors(), status, message);
        state.ops().accessLog().end(ctx.channel(), status.code(), res.content().readableBytes());
        if (hasBody) {
            Responses.send(ctx, req, res);  // answers, then drains the body and closes (BodyDrain)
        } else {
            Responses.sendAndClose(ctx, res);
        }
    }
}
