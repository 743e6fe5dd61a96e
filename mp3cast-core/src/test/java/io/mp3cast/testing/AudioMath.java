package io.mp3cast.testing;

/** Signal comparisons for decoded audio: alignment, correlation, dominant frequency. */
public final class AudioMath {
    private AudioMath() {}

    /** Pearson correlation of {@code a[aStart..]} with {@code b[bStart..]} over {@code n} samples. */
    public static double correlation(float[] a, int aStart, float[] b, int bStart, int n) {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aStart + i];
            double y = b[bStart + i];
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
        }
        double cov = sab - sa * sb / n;
        double va = saa - sa * sa / n;
        double vb = sbb - sb * sb / n;
        return va == 0 || vb == 0 ? 0 : cov / Math.sqrt(va * vb);
    }

    /**
     * The lag of {@code decoded} against {@code original} (decoded[i + lag] ~ original[i]) in
     * [0, maxLag] with the highest correlation over a window from the middle of the signal.
     */
    public static int bestLag(float[] original, float[] decoded, int maxLag) {
        int start = Math.min(original.length / 4, 24000);
        int n = Math.min(original.length - start, decoded.length - start - maxLag);
        n = Math.min(n, 48000);
        if (n <= 0) {
            throw new AssertionError("signals too short to align: original " + original.length
                    + ", decoded " + decoded.length + ", maxLag " + maxLag);
        }
        int best = 0;
        double bestCorr = -2;
        for (int lag = 0; lag <= maxLag; lag++) {
            double c = correlation(original, start, decoded, start + lag, n);
            if (c > bestCorr) {
                bestCorr = c;
                best = lag;
            }
        }
        return best;
    }

    /** Correlation of the whole overlap after shifting {@code decoded} back by {@code lag}. */
    public static double alignedCorrelation(float[] original, float[] decoded, int lag) {
        int n = Math.min(original.length, decoded.length - lag);
        return correlation(original, 0, decoded, lag, n);
    }

    /** The frequency with the most energy, by a direct DFT scan at 1 Hz steps over [minHz, maxHz]. */
    public static double dominantFrequencyHz(float[] samples, int start, int n, int sampleRateHz,
                                             double minHz, double maxHz) {
        double bestHz = minHz;
        double bestPower = -1;
        for (double f = minHz; f <= maxHz; f += 1) {
            double re = 0, im = 0;
            double w = 2 * Math.PI * f / sampleRateHz;
            for (int i = 0; i < n; i++) {
                re += samples[start + i] * Math.cos(w * i);
                im += samples[start + i] * Math.sin(w * i);
            }
            double p = re * re + im * im;
            if (p > bestPower) {
                bestPower = p;
                bestHz = f;
            }
        }
        return bestHz;
    }

    /** Root mean square over a range. */
    public static double rms(float[] s, int start, int n) {
        double sum = 0;
        for (int i = start; i < start + n; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / n);
    }
}
