package io.mp3cast.bench.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** What the load clients' producers push: a float32 tone, sent as HTTP/1.1 chunks. */
final class Pcm {
    /** The chunk that ends a chunked body. */
    static final String LAST_CHUNK = "0\r\n\r\n";

    private Pcm() {}

    /** {@code frames} samples per channel of a sine at {@code hz}, amplitude 0.3, float32 little-endian, interleaved. */
    static byte[] tone(int frames, int channels, int rate, double hz) {
        ByteBuffer b = ByteBuffer.allocate(frames * channels * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            float s = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                b.putFloat(s);
            }
        }
        return b.array();
    }

    /** {@code data} as one HTTP/1.1 chunk (size line, data, CRLF), followed by {@code after} (e.g. {@link #LAST_CHUNK}). */
    static byte[] chunk(byte[] data, String after) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = ("\r\n" + after).getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(head.length + data.length + tail.length).put(head).put(data).put(tail).array();
    }

    /** The last chunk, as bytes. */
    static byte[] lastChunk() {
        return LAST_CHUNK.getBytes(StandardCharsets.ISO_8859_1);
    }
}
