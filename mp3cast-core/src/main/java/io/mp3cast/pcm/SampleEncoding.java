package io.mp3cast.pcm;

/**
 * How one PCM sample is laid out in bytes. Multi-channel PCM is always interleaved.
 *
 * <p>Each has a short name, ffmpeg's name for the raw format ({@code f32le}, {@code s16le},
 * {@code s16be}), which command lines and query strings use: {@link #parse} reads it,
 * {@link #shortName} writes it.
 */
public enum SampleEncoding {
    /** IEEE 754 32-bit float, little-endian, nominal range [-1, 1]. */
    FLOAT32_LE(4, "f32le"),
    /** Signed 16-bit integer, little-endian (WAV, {@code s16le}). */
    INT16_LE(2, "s16le"),
    /** Signed 16-bit integer, big-endian ({@code audio/L16}, RFC 2586). */
    INT16_BE(2, "s16be");

    private final int bytesPerSample;
    private final String shortName;

    SampleEncoding(int bytesPerSample, String shortName) {
        this.bytesPerSample = bytesPerSample;
        this.shortName = shortName;
    }

    /**
     * The encoding with this short name, in any case: {@code f32le}, {@code s16le} or {@code s16be}.
     *
     * @throws IllegalArgumentException naming the value, when it is none of them
     */
    public static SampleEncoding parse(String shortName) {
        for (SampleEncoding e : values()) {
            if (e.shortName.equalsIgnoreCase(shortName.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("sample format not supported: '" + shortName + "' (f32le, s16le or s16be)");
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }

    /** ffmpeg's name for this raw format, as {@link #parse} reads it: {@code f32le}, {@code s16le} or {@code s16be}. */
    public String shortName() {
        return shortName;
    }
}
