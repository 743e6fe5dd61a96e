package io.mp3cast.mp3;

/**
 * Cuts LAME's output into frames. LAME writes whole frames, but nothing in its API promises
 * that, so a frame split across calls is carried over rather than assumed away. Allocates
 * nothing after construction.
 */
final class LameFrameSplitter {
    private final byte[] carry;
    private int carryLength;

    LameFrameSplitter(int maxChunkBytes) {
        this.carry = new byte[maxChunkBytes + 2 * 1441];
    }

    void split(byte[] chunk, int length, FrameSink sink) {
        if (length == 0) {
            return;
        }
        System.arraycopy(chunk, 0, carry, carryLength, length);
        carryLength += length;
        int pos = 0;
        while (carryLength - pos >= FrameHeader.SIZE) {
            int frameLength = frameLengthAt(pos);
            if (carryLength - pos < frameLength) {
                break;
            }
            sink.onFrame(carry, pos, frameLength);
            pos += frameLength;
        }
        System.arraycopy(carry, pos, carry, 0, carryLength - pos);
        carryLength -= pos;
    }

    private int frameLengthAt(int pos) {
        try {
            return FrameHeader.parse(carry, pos).frameLengthBytes();
        } catch (Mp3FormatException e) {
            throw new IllegalStateException("LAME wrote an invalid frame header: " + e.getMessage(), e);
        }
    }
}
