package io.mp3cast.server.hls;

import io.mp3cast.live.LiveStream;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.live.LiveMount;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every live mount as HLS packed audio (RFC 8216 3.4), for players and CDNs that want small cacheable
 * files instead of one endless response.
 *
 * <p><b>URLs.</b> The mount {@code /PATH.mp3} (or {@code /PATH}) has its playlist at
 * {@code /PATH.m3u8}, and its segments at {@code /hls/PATH.mp3/TOKEN/N.mp3}: {@code N} the media
 * sequence number, {@code TOKEN} random per segmenter, so a URL never names two different segments,
 * even across restarts, and a cache may keep segments as long as it likes. Mount paths may not end
 * in {@code .m3u8} nor lie under {@code /hls/} ({@link io.mp3cast.server.MountConfig} refuses them),
 * so these never collide with a mount. Playlists name segments by relative URIs, so the whole server
 * may sit under a prefix behind a proxy.
 *
 * <p><b>Caching.</b> A segment never changes: {@code Cache-Control: public, max-age=86400, immutable}.
 * The playlist changes once per segment: {@code max-age} about half a segment. Unknown and expired
 * segments get {@code 404} with {@code no-store}, so no cache holds a segment's absence.
 *
 * <p><b>Low-latency HLS</b> ({@link HlsSettings#partMillis()} above 0): the playlist also lists
 * the parts of its last three target durations, at {@code /hls/PATH.mp3/TOKEN/N.P.mp3} (part
 * {@code P} of segment {@code N}), with {@code EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES}, and a
 * preload hint naming the next part. A playlist request with {@code _HLS_msn=N} (and
 * {@code _HLS_part=P}) is answered once that segment (part) is made, a request for the next part
 * once it is made: within three target durations, else {@code 503}. Further ahead than
 * RFC 8216bis 6.2.5.2 allows, {@code 400}. Parts are immutable; a blocking playlist response is
 * cached for as long as the window lasts (any later playlist would answer it too).
 *
 * <p><b>Cost.</b> A mount is segmented from the first HLS request for it on (its {@link Segmenter}
 * starts from the audio its ring still holds, so the first playlist is not empty); until then it
 * costs nothing. Segments stay in memory: the window plus as many again and one (RFC 8216 6.2.2).
 *
 * <p>Threading: thread-safe; any event loop calls it.
 */
public final class Hls {
    private static final Logger LOG = LoggerFactory.getLogger(Hls.class);
    /** Where segment paths start. */
    public static final String SEGMENT_PREFIX = "/hls/";
    public static final String PLAYLIST_SUFFIX = ".m3u8";
    public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    public static final String SEGMENT_CACHE_CONTROL = "public, max-age=86400, immutable";
    private static final Pattern SEGMENT = Pattern.compile("/hls(/.+)/([0-9a-z]+)/([0-9]{1,18})(?:\\.([0-9]{1,4}))?\\.mp3");
    /** RFC 8216bis 6.2.5.2: how many parts past the last one a blocking request may ask for. */
    private static final int ADVANCE_PART_LIMIT = 3;

    private final ServerMetrics metrics;
    private final Map<LiveStream, Segmenter> segmenters = new ConcurrentHashMap<>();

    public Hls(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Whether {@code path} is a playlist's or a segment's, whether or not its mount exists. */
    public static boolean owns(String path) {
        return path.endsWith(PLAYLIST_SUFFIX) || path.startsWith(SEGMENT_PREFIX);
    }

    /** The playlist of the mount at {@code mountPath}: {@code /a.mp3} and {@code /a} both have {@code /a.m3u8}. */
    public static String playlistPath(String mountPath) {
        return (mountPath.endsWith(".mp3") ? mountPath.substring(0, mountPath.length() - 4) : mountPath) + PLAYLIST_SUFFIX;
    }

    /**
     * The answer to a GET or HEAD of a path {@link #owns owned} here; the caller adds CORS and sends
     * it. Complete at once, except for a low-latency request for what is not made yet: that
     * completes on the stream's publisher thread, or on {@code timer} when it times out.
     */
    public CompletableFuture<FullHttpResponse> respond(HttpRequest req, String path, QueryStringDecoder query,
                                                       Map<String, LiveMount> mounts, ScheduledExecutorService timer) {
        try {
            return path.endsWith(PLAYLIST_SUFFIX) ? playlist(req, path, query, mounts, timer)
                    : segment(req, path, mounts, timer);
        } catch (BadRequest e) {
            return CompletableFuture.completedFuture(refuse(req, HttpResponseStatus.BAD_REQUEST, e.getMessage()));
        }
    }

    private CompletableFuture<FullHttpResponse> playlist(HttpRequest req, String path, QueryStringDecoder query,
                                                         Map<String, LiveMount> mounts, ScheduledExecutorService timer) {
        String base = path.substring(0, path.length() - PLAYLIST_SUFFIX.length());
        LiveMount mount = mounts.getOrDefault(base + ".mp3", mounts.get(base));
        if (mount == null) {
            return CompletableFuture.completedFuture(notFound(req, "no mount for the playlist " + path));
        }
        Segmenter s = segmenter(mount, mounts.values());
        mount.hlsRequested();
        s.playlistRequests.increment();
        metrics.hlsPlaylistServed(s.mountPath);
        long msn = number(query, "_HLS_msn", Long.MAX_VALUE);
        int part = (int) number(query, "_HLS_part", 1000);
        if (msn < 0 || !s.settings.lowLatency()) {
            if (part >= 0 && s.settings.lowLatency()) {
                throw new BadRequest("_HLS_part needs _HLS_msn");
            }
            return CompletableFuture.completedFuture(ok(req, s.window().playlist(), PLAYLIST_TYPE, playlistCacheControl(s)));
        }
        Window w = s.window();
        if (msn > w.next() + 1 || msn >= w.next() && part > (msn == w.next() ? w.nextParts() : 0) + ADVANCE_PART_LIMIT) {
            throw new BadRequest("_HLS_msn=" + msn + (part >= 0 ? "&_HLS_part=" + part : "") + " is too far ahead of "
                    + s.mountPath + "'s playlist (its next segment is " + w.next() + " with " + w.nextParts()
                    + " parts made)");
        }
        return when(s, msn, part, timer, req,
                () -> ok(req, s.window().playlist(), PLAYLIST_TYPE, blockingPlaylistCacheControl(s)));
    }

    private CompletableFuture<FullHttpResponse> segment(HttpRequest req, String path, Map<String, LiveMount> mounts,
                                                        ScheduledExecutorService timer) {
        Matcher m = SEGMENT.matcher(path);
        LiveMount mount = m.matches() ? mounts.get(m.group(1)) : null;
        Segmenter s = mount == null ? null : segmenters.get(mount.stream());
        if (s == null || !s.token.equals(m.group(2))) {
            return CompletableFuture.completedFuture(notFound(req, "no HLS segment at " + path));
        }
        long sequence = Long.parseLong(m.group(3));
        mount.hlsRequested();
        if (m.group(4) == null) {
            return CompletableFuture.completedFuture(segment(req, s, sequence));
        }
        int index = Integer.parseInt(m.group(4));
        Window w = s.window();
        boolean soon = !w.ended() && (sequence == w.next() && index <= w.nextParts() || sequence == w.next() + 1 && index == 0);
        if (w.part(sequence, index).isPresent() || !soon) {
            return CompletableFuture.completedFuture(part(req, s, sequence, index));
        }
        return when(s, sequence, index, timer, req, () -> part(req, s, sequence, index));
    }

    private FullHttpResponse segment(HttpRequest req, Segmenter s, long sequence) {
        Optional<Segment> segment = s.window().segment(sequence);
        if (segment.isEmpty()) {
            return notFound(req, "HLS segment " + sequence + " of " + s.mountPath + " expired or not yet cut");
        }
        s.segmentRequests.increment();
        metrics.hlsSegmentServed(s.mountPath, sequence);
        return ok(req, segment.get().bytes(), "audio/mpeg", SEGMENT_CACHE_CONTROL);
    }

    private FullHttpResponse part(HttpRequest req, Segmenter s, long sequence, int index) {
        Optional<Part> part = s.window().part(sequence, index);
        if (part.isEmpty()) {
            return notFound(req, "HLS part " + sequence + "." + index + " of " + s.mountPath + " expired or never made");
        }
        s.partRequests.increment();
        metrics.hlsPartServed(s.mountPath);
        return ok(req, part.get().bytes(), "audio/mpeg", SEGMENT_CACHE_CONTROL);
    }

    /**
     * {@code answer} once segment {@code msn} (part {@code part}) is made or the stream ended; a
     * {@code 503} if that takes longer than three target durations (RFC 8216bis 6.2.5.2).
     */
    private CompletableFuture<FullHttpResponse> when(Segmenter s, long msn, int part, ScheduledExecutorService timer,
                                                     HttpRequest req, Supplier<FullHttpResponse> answer) {
        CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
        long limitMillis = 3000L * s.settings.targetDurationSeconds();
        Segmenter.Waiter waiter = s.await(msn, part, () -> result.complete(answer.get()));
        if (!result.isDone()) {
            ScheduledFuture<?> timeout = timer.schedule(() -> {
                s.forget(waiter);
                result.complete(refuse(req, HttpResponseStatus.SERVICE_UNAVAILABLE, s.mountPath + ": segment " + msn
                        + (part >= 0 ? " part " + part : "") + " not made within " + limitMillis + " ms"));
            }, limitMillis, TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> timeout.cancel(false));
        }
        return result;
    }

    /** A query parameter as a whole number, or -1 if absent; {@link BadRequest} if not a number up to {@code max}. */
    private static long number(QueryStringDecoder query, String name, long max) {
        List<String> values = query.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return -1;
        }
        String v = values.get(0);
        if (values.size() > 1 || v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(v) > max) {
            throw new BadRequest(name + " not supported: '" + v + "' (a whole number" + (values.size() > 1 ? ", once" : "")
                    + ")");
        }
        return Long.parseLong(v);
    }

    /** A request that asks for what cannot be: 400 with this message. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** The mount's HLS window for status pages. */
    public HlsStatus status(LiveMount mount) {
        Segmenter s = segmenters.get(mount.stream());
        var config = mount.config();
        String playlist = playlistPath(config.path());
        if (s == null) {
            var hls = config.hls();
            return new HlsStatus(playlist, hls.segmentMillis(), hls.windowSegments(), hls.targetDurationSeconds(),
                    hls.partMillis(), false, 0, 0, 0, 0, 0, 0, 0);
        }
        Window w = s.window();
        long audioTicks = w.listed().stream().mapToLong(Segment::durationTicks).sum();
        long first = w.listed().isEmpty() ? 0 : w.listed().get(0).sequence();
        return new HlsStatus(playlist, s.settings.segmentMillis(), s.settings.windowSegments(),
                s.settings.targetDurationSeconds(), s.settings.partMillis(), true, first, w.inPlaylist(),
                Timeline.seconds(audioTicks), w.kept().size(), s.playlistRequests.sum(), s.segmentRequests.sum(),
                s.partRequests.sum());
    }

    /** The mount's segmenter, attached on first use; segmenters of mounts no longer served are let go then. */
    private Segmenter segmenter(LiveMount mount, Collection<LiveMount> current) {
        Segmenter s = segmenters.get(mount.stream());
        if (s != null) {
            return s;
        }
        Set<LiveStream> live = current.stream().map(LiveMount::stream).collect(Collectors.toSet());
        segmenters.keySet().retainAll(live);
        String path = mount.config().path();
        String token = Long.toString(ThreadLocalRandom.current().nextLong(1L << 50), 36);
        String prefix = relativePrefix(path) + "hls" + encode(path) + "/" + token + "/";
        return segmenters.computeIfAbsent(mount.stream(), stream -> {
            Segmenter made = Segmenter.attach(stream, mount.config().hls(), token, new Window.Uris(prefix));
            LOG.info("{}: HLS at {}: segments of {} ms, {} in the playlist{}", path, playlistPath(path),
                    made.settings.segmentMillis(), made.settings.windowSegments(), made.settings.lowLatency()
                            ? ", low-latency parts of " + made.settings.partMillis() + " ms" : "");
            return made;
        });
    }

    /** From the playlist's folder back to the root: {@code ""} for {@code /a.m3u8}, {@code "../"} for {@code /x/a.m3u8}. */
    private static String relativePrefix(String mountPath) {
        int depth = (int) mountPath.chars().filter(c -> c == '/').count() - 1;
        return "../".repeat(depth);
    }

    /** Percent-encodes all but unreserved characters and {@code /} (request paths arrive decoded). */
    private static String encode(String path) {
        StringBuilder sb = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
            sb.append(plain ? String.valueOf(c) : String.format("%%%02X", (int) c));
        }
        return sb.toString();
    }

    /** About half a segment, in whole seconds: clients see a new segment soon, a CDN asks at most once a second. */
    private static String playlistCacheControl(Segmenter s) {
        return "public, max-age=" + Math.max(1, s.settings.segmentMillis() / 2000);
    }

    /** A blocking reload's answer holds what it asked for, and every later playlist would answer it: the window's length. */
    private static String blockingPlaylistCacheControl(Segmenter s) {
        return "public, max-age=" + Math.max(1, s.settings.segmentMillis() * s.settings.windowSegments() / 1000);
    }

    private static FullHttpResponse ok(HttpRequest req, byte[] body, String type, String cacheControl) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        HttpUtil.setContentLength(res, body.length);
        return res;
    }

    private FullHttpResponse notFound(HttpRequest req, String message) {
        return refuse(req, HttpResponseStatus.NOT_FOUND, message);
    }

    private FullHttpResponse refuse(HttpRequest req, HttpResponseStatus status, String message) {
        metrics.requestRejected(status.code());
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = ok(req, body, "text/plain; charset=utf-8", "no-store");
        res.setStatus(status);
        return res;
    }
}
