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
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
    private static final Pattern SEGMENT = Pattern.compile("/hls(/.+)/([0-9a-z]+)/([0-9]{1,18})\\.mp3");

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

    /** The answer to a GET or HEAD of a path {@link #owns owned} here; the caller adds CORS and sends it. */
    public FullHttpResponse respond(HttpRequest req, String path, Map<String, LiveMount> mounts) {
        return path.endsWith(PLAYLIST_SUFFIX) ? playlist(req, path, mounts) : segment(req, path, mounts);
    }

    private FullHttpResponse playlist(HttpRequest req, String path, Map<String, LiveMount> mounts) {
        String base = path.substring(0, path.length() - PLAYLIST_SUFFIX.length());
        LiveMount mount = mounts.getOrDefault(base + ".mp3", mounts.get(base));
        if (mount == null) {
            return notFound(req, "no mount for the playlist " + path);
        }
        Segmenter s = segmenter(mount, mounts.values());
        mount.hlsRequested();
        s.playlistRequests.increment();
        metrics.hlsPlaylistServed(s.mountPath);
        return ok(req, s.window().playlist(), PLAYLIST_TYPE, playlistCacheControl(s));
    }

    private FullHttpResponse segment(HttpRequest req, String path, Map<String, LiveMount> mounts) {
        Matcher m = SEGMENT.matcher(path);
        LiveMount mount = m.matches() ? mounts.get(m.group(1)) : null;
        Segmenter s = mount == null ? null : segmenters.get(mount.stream());
        if (s == null || !s.token.equals(m.group(2))) {
            return notFound(req, "no HLS segment at " + path);
        }
        long sequence = Long.parseLong(m.group(3));
        Optional<Segment> segment = s.window().segment(sequence);
        if (segment.isEmpty()) {
            return notFound(req, "HLS segment " + sequence + " of " + s.mountPath + " expired or not yet cut");
        }
        mount.hlsRequested();
        s.segmentRequests.increment();
        metrics.hlsSegmentServed(s.mountPath, sequence);
        return ok(req, segment.get().bytes(), "audio/mpeg", SEGMENT_CACHE_CONTROL);
    }

    /** The mount's HLS window for status pages. */
    public HlsStatus status(LiveMount mount) {
        Segmenter s = segmenters.get(mount.stream());
        var config = mount.config();
        String playlist = playlistPath(config.path());
        if (s == null) {
            return new HlsStatus(playlist, config.hlsSegmentMillis(), config.hlsWindowSegments(),
                    config.hlsTargetDurationSeconds(), false, 0, 0, 0, 0, 0, 0);
        }
        Window w = s.window();
        long audioTicks = w.listed().stream().mapToLong(Segment::durationTicks).sum();
        long first = w.listed().isEmpty() ? 0 : w.listed().get(0).sequence();
        return new HlsStatus(playlist, s.config.hlsSegmentMillis(), s.config.hlsWindowSegments(),
                s.config.hlsTargetDurationSeconds(), true, first, w.inPlaylist(), Timeline.seconds(audioTicks),
                w.kept().size(), s.playlistRequests.sum(), s.segmentRequests.sum());
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
            Segmenter made = Segmenter.attach(stream, mount.config(), token, seq -> prefix + seq + ".mp3");
            LOG.info("{}: HLS at {}: segments of {} ms, {} in the playlist", path, playlistPath(path),
                    made.config.hlsSegmentMillis(), made.config.hlsWindowSegments());
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
        return "public, max-age=" + Math.max(1, s.config.hlsSegmentMillis() / 2000);
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
        metrics.requestRejected(HttpResponseStatus.NOT_FOUND.code());
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = ok(req, body, "text/plain; charset=utf-8", "no-store");
        res.setStatus(HttpResponseStatus.NOT_FOUND);
        return res;
    }
}
