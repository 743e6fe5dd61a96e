package io.mp3cast.testing;

/** Test signals: interleaved float PCM made from sines, so what goes in is known exactly. */
public final class Signals {
    private Signals() {}

    /** Mono mix of sines at the given frequencies, each at {@code amplitude / freqs.length}. */
    public static float[] toneMix(int sampleRateHz, int frames, double amplitude, double... freqsHz) {
        float[] out = new float[frames];
        for (int i = 0; i < frames; i++) {
            double v = 0;
            for (double f : freqsHz) {
                v += Math.sin(2 * Math.PI * f * i / sampleRateHz);
            }
            out[i] = (float) (amplitude * v / freqsHz.length);
        }
        return out;
    }

    /** Interleaves two equally long mono signals into stereo. */
    public static float[] interleave(float[] left, float[] right) {
        float[] out = new float[left.length * 2];
        for (int i = 0; i < left.length; i++) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        return out;
    }

    /** One channel of an interleaved signal. */
    public static float[] channel(float[] interleaved, int channels, int channel) {
        float[] out = new float[interleaved.length / channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = interleaved[i * channels + channel];
        }
        return out;
    }

    /** Float samples to int16 the way the encoder reads them (x * 32768, clipped). */
    public static short[] toShorts(float[] samples) {
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            float v = Math.max(-1f, Math.min(1f, samples[i]));
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v * 32768f)));
        }
        return out;
    }
}
