package io.mp3cast.testing;

/** PCM decoded from MP3, de-interleaved, as floats in [-1, 1]. */
public record Decoded(int sampleRateHz, int channels, float[][] samples, int frames, int badFrames) {

    /** Samples per channel. */
    public int length() {
        return samples[0].length;
    }

    public float[] channel(int c) {
        return samples[c];
    }

    public double seconds() {
        return (double) length() / sampleRateHz;
    }
}
