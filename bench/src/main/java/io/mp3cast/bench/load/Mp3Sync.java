package io.mp3cast.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Finds whole MPEG audio Layer III frames in a byte stream that arrives in pieces, without
 * allocating: it reads each header word and skips the frame's body. A stream may start mid-frame
 * (Icecast's burst does); then it searches for a header and trusts it only once the header after
 * it checks out too. Counts the audio of whole frames, so a listener can compare it with the clock.
 *
 * <p>Header layout: see {@code io.mp3cast.mp3.FrameHeader}. Not thread-safe: one per connection.
 */
final class Mp3Sync {
    /** kbps by [mpeg1 ? 0 : 1][bitrate index], Layer III. */
    private static final int[][] BITRATES = {
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
    };
    /** Hz by [version bits][rate index]; version bits 1 is reserved. */
    private static final int[][] RATES = {
        {11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000},
    };

    /** Bytes of the current frame still to skip, once synchronised. */
    private int skip;
    /** Audio of the frame being skipped. */
    private long pendingMicros;
    /** Header bytes gathered so far (0-3) and their value. */
    private int headerBytes;
    private int word;
    private boolean synced;
    /** The last frame counted but not yet confirmed by the header after it (only while searching). */
    private long unconfirmedMicros;
    private boolean firstFrameConfirmed;
    private boolean startedOnBoundary;
    private boolean sawFirstByte;
    private long frames;
    private long audioMicros;
    private long firstFrameNanos;
    /** Bytes thrown away looking for a header. */
    private long skippedBytes;

    /** Feeds bytes {@code [from, to)} of {@code buf} (not consumed), which arrived at {@code nowNanos}. */
    void feed(ByteBuf buf, int from, int to, long nowNanos) {
        int i = from;
        int end = to;
        if (!sawFirstByte && i < end) {
            sawFirstByte = true;
            startedOnBoundary = (buf.getByte(i) & 0xFF) == 0xFF;  // confirmed below
        }
        while (i < end) {
            if (skip > 0) {
                int n = Math.min(skip, end - i);
                skip -= n;
                i += n;
                if (skip == 0) {
                    frameComplete(nowNanos);
                }
                continue;
            }
            word = (word << 8) | (buf.getByte(i++) & 0xFF);
            if (++headerBytes < 4) {
                continue;
            }
            int length = frameLength(word);
            if (length > 4) {
                headerBytes = 0;
                if (!synced) {
                    synced = true;  // a candidate, until the next header agrees
                } else if (unconfirmedMicros > 0) {
                    unconfirmedMicros = 0;
                    firstFrameConfirmed = true;
                }
                skip = length - 4;
                pendingMicros = durationMicros(word);
            } else if (synced) {
                lostSync();
            } else {
                headerBytes = 3;  // slide by one byte
                skippedBytes++;
                startedOnBoundary = false;
            }
        }
    }

    private void frameComplete(long nowNanos) {
        frames++;
        audioMicros += pendingMicros;
        if (firstFrameNanos == 0) {
            firstFrameNanos = nowNanos;
            unconfirmedMicros = pendingMicros;
        }
    }

    /** A header did not follow a frame: the first candidate was a false sync, or the stream broke. */
    private void lostSync() {
        synced = false;
        startedOnBoundary = false;
        if (!firstFrameConfirmed) {
            frames = 0;
            audioMicros = 0;
            firstFrameNanos = 0;
            unconfirmedMicros = 0;
        }
        headerBytes = 3;
        skippedBytes++;
    }

    /** Bytes of a Layer III frame with header {@code h}, or 0 when {@code h} is not a valid header. */
    static int frameLength(int h) {
        int version = (h >>> 19) & 3;
        int bitrateIndex = (h >>> 12) & 0xF;
        int rateIndex = (h >>> 10) & 3;
        if ((h >>> 21) != 0x7FF || version == 1 || ((h >>> 17) & 3) != 1 || bitrateIndex == 0 || bitrateIndex == 15
                || rateIndex == 3 || (h & 3) == 2) {
            return 0;
        }
        int kbps = BITRATES[version == 3 ? 0 : 1][bitrateIndex];
        int hz = RATES[version][rateIndex];
        return (version == 3 ? 144 : 72) * kbps * 1000 / hz + ((h >>> 9) & 1);
    }

    static long durationMicros(int h) {
        int version = (h >>> 19) & 3;
        int hz = RATES[version][(h >>> 10) & 3];
        return (version == 3 ? 1152 : 576) * 1_000_000L / hz;
    }

    long frames() {
        return frames;
    }

    long audioMicros() {
        return audioMicros;
    }

    /** When the first whole frame had arrived (System.nanoTime), or 0. */
    long firstFrameNanos() {
        return firstFrameNanos;
    }

    /**
     * Whether the first body byte was the start of the first whole frame (not disproved by the bytes
     * after it: a listener that leaves after one frame has no next header to confirm it).
     */
    boolean startedOnBoundary() {
        return startedOnBoundary && firstFrameNanos != 0;
    }

    long skippedBytes() {
        return skippedBytes;
    }
}
