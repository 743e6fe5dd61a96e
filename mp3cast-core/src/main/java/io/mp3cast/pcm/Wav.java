package io.mp3cast.pcm;

/**
 * Constants of the RIFF/WAVE format, as read by {@link WavParser} and written by {@link WavHeader#toBytes()}.
 *
 * <pre>
 * offset size
 *   0     4   'RIFF' ('RF64' for files over 4 GiB)
 *   4     4   RIFF size, little-endian: ignored, streaming writers leave 0 or 0xFFFFFFFF
 *   8     4   'WAVE'
 *  12   ...   chunks: 4-byte id, 4-byte little-endian size, body, one pad byte if size is odd
 *
 * 'fmt ' body (all little-endian)
 *   0     2   formatTag       1 PCM integer, 3 IEEE float, 0xFFFE extensible
 *   2     2   channels
 *   4     4   sampleRateHz
 *   8     4   byteRate        ignored: some writers get it wrong, and it follows from the rest
 *  12     2   blockAlign      channels * bytes per sample
 *  14     2   bitsPerSample
 *  16     2   cbSize          bytes that follow; extensible: at least 22
 *  18     2   validBitsPerSample   ignored
 *  20     4   channelMask          ignored
 *  24    16   subFormat GUID: formatTag as 4 bytes, then {@link #GUID_TAIL}
 *
 * 'ds64' body (RF64 only): riffSize (8), dataSize (8), sampleCount (8), table...
 * </pre>
 */
final class Wav {
    static final int RIFF = fourCc("RIFF");
    static final int RF64 = fourCc("RF64");
    static final int WAVE = fourCc("WAVE");
    static final int FMT = fourCc("fmt ");
    static final int DS64 = fourCc("ds64");
    static final int DATA = fourCc("data");

    static final int TAG_PCM = 0x0001;
    static final int TAG_FLOAT = 0x0003;
    static final int TAG_EXTENSIBLE = 0xFFFE;

    static final int FMT_MIN_BYTES = 16;
    static final int FMT_EXTENSIBLE_BYTES = 40;
    static final int DS64_MIN_BYTES = 24;

    /** A 32-bit chunk size that means "unknown": streaming writers and RF64 put it where the size goes. */
    static final long SIZE_UNKNOWN = 0xFFFF_FFFFL;

    /** Bytes 4-15 of every KSDATAFORMAT_SUBTYPE GUID (xxxxxxxx-0000-0010-8000-00AA00389B71). */
    static final byte[] GUID_TAIL = {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
        (byte) 0x9B, 0x71};

    private Wav() {}

    /** A four-character code as a big-endian int, so it compares with the bytes as read. */
    static int fourCc(String id) {
        return (id.charAt(0) << 24) | (id.charAt(1) << 16) | (id.charAt(2) << 8) | id.charAt(3);
    }

    /** A four-character code for a message: printable ASCII as is, other bytes as {@code \xNN}. */
    static String show(int fourCc) {
        StringBuilder s = new StringBuilder("'");
        for (int shift = 24; shift >= 0; shift -= 8) {
            int b = (fourCc >>> shift) & 0xFF;
            s.append(b >= 0x20 && b < 0x7F ? Character.toString(b) : String.format("\\x%02X", b));
        }
        return s.append('\'').toString();
    }
}
