package io.mp3cast.server;

import io.mp3cast.server.hls.Hls;
import java.util.Objects;

/**
 * How a live mount serves its listeners.
 *
 * @param path                 where listeners connect, starting with {@code /} ({@code /stream.mp3}); not
 *                             ending in {@code .m3u8} and not under {@code /hls/}, which are the mount's HLS paths
 * @param name                 {@code icy-name}, shown by radio players
 * @param description          {@code icy-description}
 * @param genre                {@code icy-genre}
 * @param burstMillis          audio a new listener gets at once (default 1000)
 * @param queueMillis          how far behind a listener may fall (frames not yet written plus bytes
 *                             queued in the server) before it is disconnected (default 10000)
 * @param batchMillis          audio gathered into one write per listener; larger batches cost less
 *                             CPU per listener and add latency (default 100; 0 writes every frame)
 * @param icyMetaIntervalBytes audio bytes between ICY metadata blocks (default 16000, as Icecast)
 * @param hlsSegmentMillis     audio per HLS segment, cut at the nearest frame boundary (default 2000, 1000-30000)
 * @param hlsWindowSegments    segments in the HLS playlist's sliding window (default 6); it must span three
 *                             target durations after its oldest segment leaves (RFC 8216 6.2.2), so at least 4
 */
public record MountConfig(String path, String name, String description, String genre, int burstMillis,
                          int queueMillis, int batchMillis, int icyMetaIntervalBytes, int hlsSegmentMillis,
                          int hlsWindowSegments) {

    /** Half the longest Layer III frame (576 samples at 8 kHz: 72 ms): how far a segment may miss its length. */
    private static final int HALF_FRAME_MILLIS = 36;

    public MountConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(genre, "genre");
        if (!path.startsWith("/") || path.length() < 2 || path.contains("?") || path.contains(" ")) {
            throw new IllegalArgumentException("path not supported: '" + path + "' (like /stream.mp3)");
        }
        if (Hls.owns(path) || (path + "/").equals(Hls.SEGMENT_PREFIX)) {
            throw new IllegalArgumentException("path not supported: '" + path + "' (paths ending in "
                    + Hls.PLAYLIST_SUFFIX + " and under " + Hls.SEGMENT_PREFIX + " are the mounts' HLS playlists and segments)");
        }
        check("burstMillis", burstMillis, 0, 60_000);
        check("queueMillis", queueMillis, 100, 300_000);
        check("batchMillis", batchMillis, 0, 1000);
        check("icyMetaIntervalBytes", icyMetaIntervalBytes, 256, 1 << 20);
        check("hlsSegmentMillis", hlsSegmentMillis, 1000, 30_000);
        check("hlsWindowSegments", hlsWindowSegments, 3, 1000);
        int shortest = hlsSegmentMillis - HALF_FRAME_MILLIS;
        int needed = (3000 * targetDurationSeconds(hlsSegmentMillis) + shortest - 1) / shortest;
        if (hlsWindowSegments < needed) {
            throw new IllegalArgumentException("hlsWindowSegments not supported: " + hlsWindowSegments + " (with "
                    + "hlsSegmentMillis " + hlsSegmentMillis + " the window must hold three target durations of "
                    + targetDurationSeconds(hlsSegmentMillis) + " s after its oldest segment leaves: " + needed
                    + " or more)");
        }
    }

    /** A mount at {@code path} with the defaults. */
    public static MountConfig of(String path) {
        return new MountConfig(path, "mp3cast " + path, "live audio from mp3cast", "various", 1000, 10_000, 100, 16000,
                2000, 6);
    }

    /**
     * The HLS playlist's {@code EXT-X-TARGETDURATION}: segments are cut within half a frame of
     * {@link #hlsSegmentMillis()}, and each one's duration rounded to whole seconds must not exceed it.
     */
    public int hlsTargetDurationSeconds() {
        return targetDurationSeconds(hlsSegmentMillis);
    }

    public MountConfig withName(String newName) {
        return new MountConfig(path, newName, description, genre, burstMillis, queueMillis, batchMillis,
                icyMetaIntervalBytes, hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withDescription(String text) {
        return new MountConfig(path, name, text, genre, burstMillis, queueMillis, batchMillis, icyMetaIntervalBytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withGenre(String text) {
        return new MountConfig(path, name, description, text, burstMillis, queueMillis, batchMillis, icyMetaIntervalBytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withBurstMillis(int ms) {
        return new MountConfig(path, name, description, genre, ms, queueMillis, batchMillis, icyMetaIntervalBytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withQueueMillis(int ms) {
        return new MountConfig(path, name, description, genre, burstMillis, ms, batchMillis, icyMetaIntervalBytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withBatchMillis(int ms) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, ms, icyMetaIntervalBytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    public MountConfig withIcyMetaIntervalBytes(int bytes) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, batchMillis, bytes,
                hlsSegmentMillis, hlsWindowSegments);
    }

    /** Both HLS settings at once, since each bounds the other. */
    public MountConfig withHls(int segmentMillis, int windowSegments) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, batchMillis,
                icyMetaIntervalBytes, segmentMillis, windowSegments);
    }

    /** The smallest whole number of seconds that a segment of {@code segmentMillis} ± half a frame rounds to at most. */
    private static int targetDurationSeconds(int segmentMillis) {
        return Math.max(1, (segmentMillis + HALF_FRAME_MILLIS + 500) / 1000);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " not supported: " + value + " (" + min + "-" + max + ")");
        }
    }
}
