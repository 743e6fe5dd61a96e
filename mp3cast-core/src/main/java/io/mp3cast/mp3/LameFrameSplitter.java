package io.mp3cast.mp3;

/**
 * Cuts LAME's output into frames. LAME writes whole frames, but nothing in its API promises
 * that, so a frame split across calls is carried over rather than assumed away. Allocates
 * nothing after construction.
 *
 * <p>Unlike {@link FrameSplitter} it trusts its input: LAME's output needs no resynchronisation,
 * so the first frame goes out at once instead of waiting for the next header to confirm it.
 */
final class LameFrameSplitter {
    private final byte[] carry;
    private int carryLength;

    LameFrameSplitter(int maxChunkBytes) {
        this.carry = new byte[maxChunkBytes + 2 * FrameHeader.MAX_FRAME_BYTES];
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
        int word = FrameHeader.word(carry, pos);
        if (!FrameHeader.isValid(word)) {
            throw new IllegalStateException(String.format("LAME wrote an invalid frame header 0x%08X", word));
        }
        return FrameHeader.frameLengthBytes(word);
    }
}
