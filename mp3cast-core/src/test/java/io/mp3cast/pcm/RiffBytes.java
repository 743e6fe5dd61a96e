package io.mp3cast.pcm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF streams byte by byte, so tests can say exactly which bytes a parser sees. */
final class RiffBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static RiffBytes wave() {
        return riff("RIFF", 0, "WAVE");
    }

    static RiffBytes riff(String id, long size, String form) {
        return new RiffBytes().fourCc(id).u32(size).fourCc(form);
    }

    /** A chunk with its size and body, plus the pad byte RIFF requires after odd sizes. */
    RiffBytes chunk(String id, byte[] body) {
        fourCc(id).u32(body.length).bytes(body);
        return body.length % 2 == 1 ? bytes(new byte[1]) : this;
    }

    /** Only a chunk's id and size: 'data' before its samples. */
    RiffBytes chunkHeader(String id, long size) {
        return fourCc(id).u32(size);
    }

    RiffBytes fourCc(String id) {
        return bytes(id.getBytes(StandardCharsets.US_ASCII));
    }

    RiffBytes u32(long value) {
        return bytes(le(4).putInt((int) value).array());
    }

    RiffBytes bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** A plain 16-byte 'fmt ' body. */
    static byte[] fmt(int tag, int channels, int rateHz, int bitsPerSample) {
        int blockAlign = channels * bitsPerSample / 8;
        return le(16).putShort((short) tag).putShort((short) channels).putInt(rateHz).putInt(rateHz * blockAlign)
                .putShort((short) blockAlign).putShort((short) bitsPerSample).array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE 'fmt ' body whose sub-format GUID starts with {@code subTag}. */
    static byte[] fmtExtensible(int subTag, int channels, int rateHz, int bitsPerSample) {
        ByteBuffer b = le(40).put(fmt(0xFFFE, channels, rateHz, bitsPerSample));
        b.putShort((short) 22).putShort((short) bitsPerSample).putInt(channels == 2 ? 3 : 4).putInt(subTag);
        return b.put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71}).array();
    }

    static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
}
