package io.mp3cast.mp3;

/**
 * One LAME encoder instance: planar float PCM in, raw MP3 bytes out.
 *
 * <p>Two implementations: {@link NativeLame} (libmp3lame through JNA) and {@link JavaLame}
 * (jump3r). Each owns its encoder state; {@link #close()} is idempotent and frees it.
 * Input is already sanitised: finite and within [-1, 1].
 */
interface LameEngine extends AutoCloseable {

    /** Most sample frames one {@link #encode} call takes. */
    int BLOCK_FRAMES = 1152;

    /** LAME's documented worst case for an MP3 buffer holding the output of n samples. */
    static int mp3BufferBytes(int samples) {
        return samples * 5 / 4 + 7200;
    }

    /**
     * Encodes {@code frames} samples per channel ({@code right} is ignored for mono input).
     *
     * @return bytes written to {@code out}, starting at 0
     */
    int encode(float[] left, float[] right, int frames, byte[] out);

    /** Flushes everything buffered as whole frames, leaving the encoder able to go on. */
    int flushNoGap(byte[] out);

    /** Flushes the final frames; the engine takes no more input afterwards. */
    int finish(byte[] out);

    EncoderBackend kind();

    /** The LAME version string, for logs. */
    String version();

    @Override
    void close();
}
