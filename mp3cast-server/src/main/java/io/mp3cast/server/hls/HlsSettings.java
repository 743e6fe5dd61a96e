package io.mp3cast.server.hls;

/**
 * How a mount is cut for HLS.
 *
 * @param segmentMillis  audio per segment, cut at the nearest frame boundary (default 2000, 1000-30000)
 * @param windowSegments segments in the playlist's sliding window (default 6); it must span three
 *                       target durations after its oldest segment leaves (RFC 8216 6.2.2), so at least 4
 *                       with the default segments
 * @param partMillis     low-latency HLS: the longest partial segment ({@code EXT-X-PART-INF:PART-TARGET}),
 *                       each part whole frames; 0 (the default) for none. 100 up to half a segment.
 */
public record HlsSettings(int segmentMillis, int windowSegments, int partMillis) {
    /** Half the longest Layer III frame (576 samples at 8 kHz: 72 ms): how far a segment may miss its length. */
    static final int HALF_FRAME_MILLIS = 36;
    /** 2 s segments, 6 in the playlist, no parts. */
    public static final HlsSettings DEFAULT = new HlsSettings(2000, 6, 0);

    public HlsSettings {
        check("hlsSegmentMillis", segmentMillis, 1000, 30_000);
        check("hlsWindowSegments", windowSegments, 3, 1000);
        if (partMillis != 0) {
            check("hlsPartMillis", partMillis, 100, segmentMillis / 2);
        }
        int shortest = segmentMillis - HALF_FRAME_MILLIS;
        int needed = (3000 * targetDurationSeconds(segmentMillis) + shortest - 1) / shortest;
        if (windowSegments < needed) {
            throw new IllegalArgumentException("hlsWindowSegments not supported: " + windowSegments + " (with "
                    + "hlsSegmentMillis " + segmentMillis + " the window must hold three target durations of "
                    + targetDurationSeconds(segmentMillis) + " s after its oldest segment leaves: " + needed
                    + " or more)");
        }
    }

    /** These settings with partial segments of at most {@code millis} (0: none). */
    public HlsSettings withPartMillis(int millis) {
        return new HlsSettings(segmentMillis, windowSegments, millis);
    }

    /** Whether the playlist offers partial segments and blocking reloads (low-latency HLS). */
    public boolean lowLatency() {
        return partMillis > 0;
    }

    /**
     * The playlist's {@code EXT-X-TARGETDURATION}: segments are cut within half a frame of
     * {@link #segmentMillis()}, and each one's duration rounded to whole seconds must not exceed it.
     */
    public int targetDurationSeconds() {
        return targetDurationSeconds(segmentMillis);
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
