package io.mp3cast.live.push;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3FormatException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Whole MP3 frames waiting to be played, with their durations: what the play-out publishes next.
 * As a {@link FrameSink}, it takes an encoder's output (copied).
 *
 * <p>Threading: the play-out job's alone.
 */
final class FrameBuffer implements FrameSink {
    /** One frame and how long it plays. */
    record Frame(byte[] data, long nanos) {}

    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long nanos;

    @Override
    public void onFrame(byte[] data, int offset, int length) {
        add(Arrays.copyOfRange(data, offset, offset + length), nanosOf(data, offset));
    }

    void add(byte[] frame, long frameNanos) {
        frames.add(new Frame(frame, frameNanos));
        nanos += frameNanos;
    }

    /** The next frame, or null when there is none. */
    Frame poll() {
        Frame f = frames.poll();
        if (f != null) {
            nanos -= f.nanos();
        }
        return f;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Audio held, in nanoseconds. */
    long nanos() {
        return nanos;
    }

    void clear() {
        frames.clear();
        nanos = 0;
    }

    /** How long the frame at {@code offset} plays, from its header. */
    static long nanosOf(byte[] frame, int offset) {
        try {
            FrameHeader h = FrameHeader.parse(frame, offset);
            return h.samplesPerFrame() * 1_000_000_000L / h.sampleRateHz();
        } catch (Mp3FormatException e) {
            throw new IllegalArgumentException("not an MP3 frame: " + e.getMessage(), e);
        }
    }
}
