package io.mp3cast.mp3;

import java.util.Objects;

/**
 * Builds a Layer III frame that decodes to silence, shaped like a given frame: same MPEG version,
 * sample rate, bitrate and channel mode, so it can stand in for it in a stream without a change
 * of format.
 *
 * <p>The frame is built rather than encoded: a header, then side information and main data of
 * all zeros. Zero side information means {@code main_data_begin = 0} (the frame borrows nothing
 * from the bit reservoir of the frames before it) and {@code part2_3_length = 0} (no Huffman data,
 * so every spectral value is zero). A frame cut from an encoder's output would not do: LAME's
 * silent frames lean on the reservoir, and after someone else's frames that reservoir holds their
 * bytes, so the "silence" would decode as noise. The built frame needs no encoder, no padding and
 * no CRC; mpg123 and JLayer decode it as digital silence.
 */
public final class SilentFrame {
    /** Header bits kept from the model: sync, version, layer, bitrate, sample rate, channel mode, copyright, original, emphasis. */
    private static final int KEEP_MASK = 0xFFFEFCCF;
    /** The protection bit set: no CRC follows the header. */
    private static final int NO_CRC = 0x00010000;

    private SilentFrame() {}

    /**
     * A silent frame like the one whose header starts at {@code frame[offset]}: unpadded, without
     * CRC, mode extension and private bit cleared.
     *
     * @throws IllegalArgumentException when the four bytes are not a Layer III header this library reads
     */
    public static byte[] like(byte[] frame, int offset) {
        Objects.checkFromIndexSize(offset, FrameHeader.SIZE, frame.length);
        int word = FrameHeader.word(frame, offset);
        if (!FrameHeader.isValid(word)) {
            throw new IllegalArgumentException(String.format("not a Layer III frame header: 0x%08X", word));
        }
        int silent = (word & KEEP_MASK) | NO_CRC;
        byte[] out = new byte[FrameHeader.frameLengthBytes(silent)];
        out[0] = (byte) (silent >>> 24);
        out[1] = (byte) (silent >>> 16);
        out[2] = (byte) (silent >>> 8);
        out[3] = (byte) silent;
        return out;
    }
}
