package io.mp3cast.source;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The built-in sources: endless tone, noise, chirp and silence, WAV files, and a limit on any source.
 *
 * <p>Generators are cheap, never block and never fail; they run forever unless wrapped in
 * {@link #limit(AudioSource, double)}.
 */
public final class AudioSources {
    /** Amplitude of the tone and chirp generators: loud enough to hear, far from clipping. */
    public static final double DEFAULT_AMPLITUDE = 0.5;

    private AudioSources() {}

    /** A sine at {@code frequencyHz}, the same on every channel. */
    public static AudioSource tone(PcmFormat format, double frequencyHz) {
        checkFrequency("frequencyHz", frequencyHz, format);
        return Generators.tone(floatFormat(format), frequencyHz, DEFAULT_AMPLITUDE);
    }

    /** A mono sine at {@code frequencyHz}. */
    public static AudioSource tone(int sampleRateHz, double frequencyHz) {
        return tone(PcmFormat.floatMono(sampleRateHz), frequencyHz);
    }

    /**
     * Uniform random samples in [-1, 1], independent per channel: what a mock synthesizer emits.
     * Seeded, so two sources with the same seed produce the same samples.
     */
    public static AudioSource noise(PcmFormat format, long seed) {
        return new Generators.Noise(floatFormat(format), seed);
    }

    /** Mono noise at 24000 Hz with a random seed. */
    public static AudioSource noise() {
        return noise(PcmFormat.floatMono(24000), System.nanoTime());
    }

    /**
     * A sine sweeping exponentially from {@code fromHz} to {@code toHz} over {@code periodSeconds},
     * then starting again.
     */
    public static AudioSource chirp(PcmFormat format, double fromHz, double toHz, double periodSeconds) {
        checkFrequency("fromHz", fromHz, format);
        checkFrequency("toHz", toHz, format);
        if (!(periodSeconds > 0) || Double.isInfinite(periodSeconds)) {
            throw new IllegalArgumentException("periodSeconds not supported: " + periodSeconds + " (> 0)");
        }
        return new Generators.Chirp(floatFormat(format), fromHz, toHz, periodSeconds, DEFAULT_AMPLITUDE);
    }

    /** Digital silence. */
    public static AudioSource silence(PcmFormat format) {
        return new Generators.Silence(floatFormat(format));
    }

    /**
     * A WAV file (16-bit integer or 32-bit float PCM), looped when {@code loop} is set.
     *
     * @throws IOException when the file cannot be read or is not a WAV this can decode
     */
    public static AudioSource wav(Path file, boolean loop) throws IOException {
        return new WavFileSource(file, loop);
    }

    /** The first {@code seconds} of {@code source}, rounded to whole sample frames; closes it with itself. */
    public static AudioSource limit(AudioSource source, double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds not supported: " + seconds + " (>= 0)");
        }
        long frames = Math.round(seconds * source.format().sampleRateHz());
        return new Generators.Limited(source, frames);
    }

    static PcmFormat floatFormat(PcmFormat format) {
        return format.withEncoding(SampleEncoding.FLOAT32_LE);
    }

    private static void checkFrequency(String name, double hz, PcmFormat format) {
        double nyquist = format.sampleRateHz() / 2.0;
        if (!(hz > 0 && hz < nyquist)) {
            throw new IllegalArgumentException(name + " not supported: " + hz + " (0 < " + name + " < " + nyquist
                    + " at " + format.sampleRateHz() + " Hz)");
        }
    }
}
