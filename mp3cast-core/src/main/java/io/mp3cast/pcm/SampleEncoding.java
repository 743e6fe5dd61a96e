package io.mp3cast.pcm;

/** How one PCM sample is laid out in bytes. Multi-channel PCM is always interleaved. */
public enum SampleEncoding {
    /** IEEE 754 32-bit float, little-endian, nominal range [-1, 1]. */
    FLOAT32_LE(4),
    /** Signed 16-bit integer, little-endian (WAV, {@code s16le}). */
    INT16_LE(2),
    /** Signed 16-bit integer, big-endian ({@code audio/L16}, RFC 2586). */
    INT16_BE(2);

    private final int bytesPerSample;

    SampleEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
