package io.mp3cast.live;

/**
 * How much recent audio a {@link LiveStream} keeps and hands to new listeners.
 *
 * @param burstMillis  audio a new listener gets at once on joining, so playback starts without
 *                     waiting (rounded up to whole frames, limited to what has been published)
 * @param retainMillis audio kept in the ring; a listener further behind than this has lost
 *                     frames. At least {@code burstMillis}; servers add their queue bound here
 * @param burstMinBytes the burst is at least this many bytes when {@code burstMillis} is not 0
 *                     (limited to what is kept): browsers buffer 32 KiB of an MP3 stream before
 *                     they start playing, so a 1 s burst at 64 kbps (8 KB) would still leave a
 *                     new browser listener waiting about 3 s. 0 turns the floor off.
 */
public record LiveStreamSettings(int burstMillis, int retainMillis, int burstMinBytes) {
    /** Chromium and Firefox start playing after 32 KiB; a little more covers their first request. */
    public static final int BROWSER_START_BYTES = 40 * 1024;
    /** At most ten minutes of frames are kept. */
    public static final int MAX_RETAIN_MILLIS = 600_000;

    public static final LiveStreamSettings DEFAULT = new LiveStreamSettings(1000, 12_000);

    /** Settings with no byte floor under the burst. */
    public LiveStreamSettings(int burstMillis, int retainMillis) {
        this(burstMillis, retainMillis, 0);
    }

    public LiveStreamSettings {
        if (burstMillis < 0 || burstMillis > MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("burstMillis not supported: " + burstMillis
                    + " (0-" + MAX_RETAIN_MILLIS + ")");
        }
        if (retainMillis < burstMillis || retainMillis > MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("retainMillis not supported: " + retainMillis
                    + " (" + burstMillis + "-" + MAX_RETAIN_MILLIS + ", at least burstMillis)");
        }
        if (burstMinBytes < 0) {
            throw new IllegalArgumentException("burstMinBytes not supported: " + burstMinBytes + " (0 or more)");
        }
    }
}
