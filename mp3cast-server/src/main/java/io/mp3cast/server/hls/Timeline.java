package io.mp3cast.server.hls;

import io.mp3cast.mp3.FrameHeader;

/**
 * Audio time as a whole number of ticks, so that summing frames never drifts: a tick is
 * 1/14,112,000 s, the least common multiple of the nine MPEG sample rates, so every frame lasts
 * a whole number of ticks. Timestamps for players are 90 kHz and wrap at 33 bits, as MPEG's do.
 */
final class Timeline {
    static final long TICKS_PER_SECOND = 14_112_000L;
    private static final long PTS_MASK = (1L << 33) - 1;

    private Timeline() {}

    static long ticks(FrameHeader h) {
        return h.samplesPerFrame() * (TICKS_PER_SECOND / h.sampleRateHz());
    }

    static long ticksOfMillis(long millis) {
        return millis * (TICKS_PER_SECOND / 1000);
    }

    static long millis(long ticks) {
        return ticks / (TICKS_PER_SECOND / 1000);
    }

    /** The 33-bit 90 kHz timestamp of {@code ticks}: 90,000 / 14,112,000 = 5 / 784. */
    static long pts90k(long ticks) {
        return (ticks / 784 * 5 + ticks % 784 * 5 / 784) & PTS_MASK;
    }

    static double seconds(long ticks) {
        return ticks / (double) TICKS_PER_SECOND;
    }
}
