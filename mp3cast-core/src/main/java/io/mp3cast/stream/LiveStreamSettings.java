package io.mp3cast.stream;

/**
 * How much recent audio a {@link LiveStream} keeps and hands to new listeners.
 *
 * @param burstMillis  audio a new listener gets at once on joining, so playback starts without
 *                     waiting (rounded up to whole frames, limited to what has been published)
 * @param retainMillis audio kept in the ring; a listener further behind than this has lost
 *                     frames. At least {@code burstMillis}; servers add their queue bound here
 */
public record LiveStreamSettings(int burstMillis, int retainMillis) {
    /** At most ten minutes of frames are kept. */
    public static final int MAX_RETAIN_MILLIS = 600_000;

    public static final LiveStreamSettings DEFAULT = new LiveStreamSettings(1000, 12_000);

    public LiveStreamSettings {
        if (burstMillis < 0 || burstMillis > MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("burstMillis not supported: " + burstMillis
                    + " (0-" + MAX_RETAIN_MILLIS + ")");
        }
        if (retainMillis < burstMillis || retainMillis > MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("retainMillis not supported: " + retainMillis
                    + " (" + burstMillis + "-" + MAX_RETAIN_MILLIS + ", at least burstMillis)");
        }
    }
}
