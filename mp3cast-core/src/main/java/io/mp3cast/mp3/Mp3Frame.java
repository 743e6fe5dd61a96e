package io.mp3cast.mp3;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One whole MP3 frame.
 *
 * <p>Equality compares the bytes, so frames cut from differently chunked copies of a stream compare equal.
 *
 * @param header the parsed header
 * @param data   the whole frame, header included; not copied, so do not modify it
 */
public record Mp3Frame(FrameHeader header, byte[] data) {

    /**
     * Ticks per second in which every frame's duration is a whole number: the least common
     * multiple of all nine MPEG sample rates. Summing ticks keeps long totals from drifting.
     */
    private static final long TICKS_PER_SECOND = 14_112_000L;

    public Mp3Frame {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(data, "data");
        if (data.length != header.frameLengthBytes()) {
            throw new IllegalArgumentException("data.length not the header's frame length: " + data.length
                    + " (expected " + header.frameLengthBytes() + ")");
        }
    }

    /** Playing time of this frame in microseconds, rounded down. */
    public long durationMicros() {
        return header.durationMicros();
    }

    /** Playing time of all the frames in microseconds, summed exactly and then rounded down once. */
    public static long totalDurationMicros(List<Mp3Frame> frames) {
        long ticks = 0;
        for (Mp3Frame f : frames) {
            ticks += f.header.samplesPerFrame() * (TICKS_PER_SECOND / f.header.sampleRateHz());
        }
        return ticks * 1_000_000L / TICKS_PER_SECOND;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mp3Frame f && header.equals(f.header) && Arrays.equals(data, f.data);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Mp3Frame[" + header + ", " + data.length + " bytes]";
    }
}
