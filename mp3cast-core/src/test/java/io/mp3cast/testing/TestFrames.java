package io.mp3cast.testing;

import io.mp3cast.mp3.ChannelMode;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import io.mp3cast.mp3.MpegVersion;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * Syntactically valid MP3 bytes for tests: frames (a real header and a payload of the right
 * length, no audio), ID3 tags, and garbage that cannot be mistaken for either.
 */
public final class TestFrames {
    private TestFrames() {}

    /** The header word for these fields, without CRC; fails on values the version does not have. */
    public static int header(MpegVersion version, int bitrateKbps, int sampleRateHz, boolean padded, ChannelMode mode) {
        int versionBits = switch (version) {
            case MPEG_1 -> 3;
            case MPEG_2 -> 2;
            case MPEG_2_5 -> 0;
        };
        return 0xFFE00000 | versionBits << 19 | 1 << 17 | 1 << 16 | bitrateIndex(version, bitrateKbps) << 12
                | rateIndex(version, sampleRateHz) << 10 | (padded ? 1 : 0) << 9 | mode.ordinal() << 6;
    }

    /** A whole frame for {@code headerWord} with a zero payload. */
    public static byte[] frame(int headerWord) {
        byte[] f = new byte[lengthOf(headerWord)];
        writeHeader(f, headerWord);
        return f;
    }

    /** A whole frame for {@code headerWord} with a random payload (which may well contain sync-like bytes). */
    public static byte[] frame(int headerWord, Random random) {
        byte[] f = new byte[lengthOf(headerWord)];
        random.nextBytes(f);
        writeHeader(f, headerWord);
        return f;
    }

    /** A frame from its header written as hex, e.g. {@code "FFFB9064"}, with a zero payload. */
    public static byte[] frame(String headerHex) {
        return frame(word(headerHex));
    }

    public static int word(String headerHex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(headerHex)).getInt();
    }

    /** {@code count} frames of 128 kbps 44.1 kHz joint stereo (417 bytes, or 418 padded), payloads random. */
    public static byte[] frames(int count, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.writeBytes(frame(header(MpegVersion.MPEG_1, 128, 44100, i % 3 == 1, ChannelMode.JOINT_STEREO), random));
        }
        return out.toByteArray();
    }

    /** An ID3v2.4 tag whose body is {@code bodyBytes} long, with or without the 10-byte footer. */
    public static byte[] id3v2(int bodyBytes, boolean footer) {
        byte[] tag = new byte[10 + bodyBytes + (footer ? 10 : 0)];
        tag[0] = 'I';
        tag[1] = 'D';
        tag[2] = '3';
        tag[3] = 4;
        tag[5] = (byte) (footer ? 0x10 : 0);
        for (int i = 0; i < 4; i++) {
            tag[6 + i] = (byte) ((bodyBytes >>> (21 - 7 * i)) & 0x7F);
        }
        // A body full of sync-like bytes shows the splitter skips it by counting, not by looking.
        Arrays.fill(tag, 10, 10 + bodyBytes, (byte) 0xFF);
        if (footer) {
            System.arraycopy(new byte[] {'3', 'D', 'I'}, 0, tag, tag.length - 10, 3);
        }
        return tag;
    }

    /** An ID3v1 tag: "TAG" and 125 bytes of text fields. */
    public static byte[] id3v1() {
        byte[] tag = new byte[128];
        Arrays.fill(tag, (byte) ' ');
        tag[0] = 'T';
        tag[1] = 'A';
        tag[2] = 'G';
        return tag;
    }

    /** Bytes that can start neither a frame nor a tag: no 0xFF and no 'I'. */
    public static byte[] garbage(int length) {
        byte[] g = new byte[length];
        for (int i = 0; i < length; i++) {
            g[i] = (byte) (i % 64);
        }
        return g;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void writeHeader(byte[] f, int word) {
        for (int i = 0; i < 4; i++) {
            f[i] = (byte) (word >>> (24 - 8 * i));
        }
    }

    private static int bitrateIndex(MpegVersion version, int bitrateKbps) {
        int[] rates = version.bitratesKbps();
        for (int i = 0; i < rates.length; i++) {
            if (rates[i] == bitrateKbps) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("bitrateKbps not supported by " + version + ": " + bitrateKbps);
    }

    /** The header's sample-rate index (ISO 11172-3 / 13818-3: MPEG-1's rates, halved for MPEG-2, quartered for 2.5). */
    private static int rateIndex(MpegVersion version, int sampleRateHz) {
        int[] mpeg1 = {44100, 48000, 32000};
        int divisor = version == MpegVersion.MPEG_1 ? 1 : version == MpegVersion.MPEG_2 ? 2 : 4;
        for (int i = 0; i < 3; i++) {
            if (mpeg1[i] / divisor == sampleRateHz) {
                return i;
            }
        }
        throw new IllegalArgumentException("sampleRateHz not supported by " + version + ": " + sampleRateHz);
    }

    /** The length of the frame a valid header word starts. */
    private static int lengthOf(int headerWord) {
        try {
            return FrameHeader.parse(headerWord).frameLengthBytes();
        } catch (Mp3FormatException e) {
            throw new IllegalArgumentException("not a frame header: " + Integer.toHexString(headerWord), e);
        }
    }
}
