package io.mp3cast.mp3;

/**
 * One parsed MPEG audio Layer III frame header.
 *
 * <pre>
 *  byte 0    byte 1    byte 2    byte 3
 * AAAAAAAA  AAABBCCD  EEEEFFGH  IIJJKLMM
 * A sync, all ones (11 bits)     B version: 00 = 2.5, 01 reserved, 10 = 2, 11 = 1
 * C layer: 01 = III               D protection: 0 = a 16-bit CRC follows the header
 * E bitrate index (0 = free, 15 bad)  F sample rate index (3 reserved)
 * G padding (one extra byte)      H private
 * I channel mode  J mode extension  K copyright  L original  M emphasis (10 reserved)
 * </pre>
 *
 * @param version        MPEG-1, 2 or 2.5
 * @param bitrateKbps    the frame's bitrate
 * @param sampleRateHz   the frame's sample rate
 * @param padded         whether the frame carries one padding byte
 * @param channelMode    stereo, joint stereo, dual channel or mono
 * @param crcProtected   whether a 16-bit CRC follows the header
 */
public record FrameHeader(MpegVersion version, int bitrateKbps, int sampleRateHz, boolean padded,
                          ChannelMode channelMode, boolean crcProtected) {

    /** Bytes in a frame header. */
    public static final int SIZE = 4;

    /** Bytes in the longest Layer III frame: MPEG-1 at 320 kbps and 32 kHz, or MPEG-2.5 at 160 kbps and 8 kHz, padded. */
    public static final int MAX_FRAME_BYTES = 1441;

    /** Version field value to version; index 1 is reserved. */
    private static final MpegVersion[] VERSIONS = {MpegVersion.MPEG_2_5, null, MpegVersion.MPEG_2, MpegVersion.MPEG_1};
    /** Cached because {@code values()} copies its array on every call, and this runs once per frame. */
    private static final ChannelMode[] MODES = ChannelMode.values();

    /** Whether the 11 sync bits are set at {@code offset}; reads two bytes. */
    public static boolean isSync(byte[] buf, int offset) {
        return (buf[offset] & 0xFF) == 0xFF && (buf[offset + 1] & 0xE0) == 0xE0;
    }

    /** Parses the four bytes at {@code offset}. */
    public static FrameHeader parse(byte[] buf, int offset) throws Mp3FormatException {
        return parse(word(buf, offset));
    }

    /** Parses a header given as a big-endian 32-bit word. */
    public static FrameHeader parse(int h) throws Mp3FormatException {
        if ((h >>> 21) != 0x7FF) {
            throw new Mp3FormatException(String.format("sync: got 0x%03X, expected 0x7FF", h >>> 21));
        }
        MpegVersion version = versionOf((h >>> 19) & 3);
        int layer = (h >>> 17) & 3;
        if (layer != 1) {
            String got = switch (layer) {
                case 0 -> "reserved (00)";
                case 2 -> "Layer II";
                default -> "Layer I";
            };
            throw new Mp3FormatException("layer: got " + got + ", expected Layer III");
        }
        int bitrateIndex = (h >>> 12) & 0xF;
        if (bitrateIndex == 0) {
            throw new Mp3FormatException("bitrate: got free format, expected a fixed bitrate (free format is not supported)");
        }
        if (bitrateIndex == 15) {
            throw new Mp3FormatException("bitrate: got index 15 (bad), expected 1-14");
        }
        int rateIndex = (h >>> 10) & 3;
        if (rateIndex == 3) {
            throw new Mp3FormatException("sample rate: got index 3 (reserved), expected 0-2");
        }
        if ((h & 3) == 2) {
            throw new Mp3FormatException("emphasis: got 2 (reserved), expected 0, 1 or 3");
        }
        return decode(h);
    }

    /** Bytes in the whole frame, header included. */
    public int frameLengthBytes() {
        return lengthBytes(version, bitrateKbps, sampleRateHz, padded);
    }

    /** Samples per channel this frame decodes to. */
    public int samplesPerFrame() {
        return version.samplesPerFrame();
    }

    /** Playing time of this frame in microseconds. */
    public long durationMicros() {
        return samplesPerFrame() * 1_000_000L / sampleRateHz;
    }

    /** The four bytes at {@code offset} as a big-endian word. */
    static int word(byte[] buf, int offset) {
        return ((buf[offset] & 0xFF) << 24) | ((buf[offset + 1] & 0xFF) << 16)
                | ((buf[offset + 2] & 0xFF) << 8) | (buf[offset + 3] & 0xFF);
    }

    /**
     * Whether {@link #parse(int)} would accept {@code h}, without building an exception: the
     * splitter tries many candidates inside garbage. FrameHeaderTest checks both agree on every field value.
     */
    static boolean isValid(int h) {
        int bitrateIndex = (h >>> 12) & 0xF;
        return (h >>> 21) == 0x7FF && ((h >>> 19) & 3) != 1 && ((h >>> 17) & 3) == 1
                && bitrateIndex != 0 && bitrateIndex != 15 && ((h >>> 10) & 3) != 3 && (h & 3) != 2;
    }

    /** The frame length of a word that {@link #isValid(int)} accepted, without allocating a header. */
    static int frameLengthBytes(int h) {
        MpegVersion version = VERSIONS[(h >>> 19) & 3];
        return lengthBytes(version, version.bitrateForIndex((h >>> 12) & 0xF),
                version.sampleRateForIndex((h >>> 10) & 3), ((h >>> 9) & 1) == 1);
    }

    /** The header of a word that {@link #isValid(int)} accepted. */
    static FrameHeader decode(int h) {
        MpegVersion version = VERSIONS[(h >>> 19) & 3];
        return new FrameHeader(version, version.bitrateForIndex((h >>> 12) & 0xF),
                version.sampleRateForIndex((h >>> 10) & 3), ((h >>> 9) & 1) == 1, MODES[(h >>> 6) & 3],
                ((h >>> 16) & 1) == 0);
    }

    private static int lengthBytes(MpegVersion version, int bitrateKbps, int sampleRateHz, boolean padded) {
        // Layer III slots are bytes; MPEG-2 and 2.5 frames hold half the samples, hence half the factor.
        int slotsFactor = version == MpegVersion.MPEG_1 ? 144 : 72;
        return slotsFactor * bitrateKbps * 1000 / sampleRateHz + (padded ? 1 : 0);
    }

    private static MpegVersion versionOf(int bits) throws Mp3FormatException {
        return switch (bits) {
            case 0 -> MpegVersion.MPEG_2_5;
            case 2 -> MpegVersion.MPEG_2;
            case 3 -> MpegVersion.MPEG_1;
            default -> throw new Mp3FormatException("version: got reserved (01), expected MPEG-1, 2 or 2.5");
        };
    }
}
