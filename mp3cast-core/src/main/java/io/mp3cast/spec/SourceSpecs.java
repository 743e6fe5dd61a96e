package io.mp3cast.spec;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Built-in sources by name with their parameters, shared by {@code --mount} specs, the config
 * file and the per-request demo routes ({@code /tone.mp3?hz=440}).
 *
 * <p>Every source takes {@code rate} (Hz, default 24000) and {@code channels} (default 1);
 * {@code tone}: {@code hz} (440); {@code noise}: {@code seed}; {@code chirp}: {@code from}
 * (200 Hz), {@code to} (2000 Hz), {@code period} (5 s); {@code silence}. {@code file} takes
 * {@code path} and {@code loop} (default true) instead, its format being the WAV's; it is offered
 * for mounts only, never to per-request query strings.
 */
public final class SourceSpecs {
    public static final String NAMES = "tone, noise, chirp, silence, file, push";

    private SourceSpecs() {}

    /**
     * A described source, made from a name and parameters.
     *
     * @param generator whether its audio is a function of time alone (tone, noise, chirp, silence):
     *                  a mount of it may stand by while no one listens and lose nothing
     */
    public record Made(AudioSource source, String description, boolean generator) {
        public Made(AudioSource source, String description) {
            this(source, description, false);
        }
    }

    public static Made create(String name, Params p) {
        if (name.equals("file")) {
            return file(p);
        }
        PcmFormat format = format(p);
        double nyquist = format.sampleRateHz() / 2.0;
        return switch (name) {
            case "tone" -> {
                double hz = p.decimal("hz", 440, 1, nyquist - 1);
                yield new Made(AudioSources.tone(format, hz), "tone " + fmt(hz) + " Hz", true);
            }
            case "noise" -> {
                long seed = p.integer("seed", (int) System.nanoTime(), Integer.MIN_VALUE, Integer.MAX_VALUE);
                yield new Made(AudioSources.noise(format, seed), "noise", true);
            }
            case "chirp" -> {
                double from = p.decimal("from", 200, 1, nyquist - 1);
                double to = p.decimal("to", Math.min(2000, nyquist - 1), 1, nyquist - 1);
                double period = p.decimal("period", 5, 0.01, 3600);
                yield new Made(AudioSources.chirp(format, from, to, period),
                        "chirp " + fmt(from) + "-" + fmt(to) + " Hz every " + fmt(period) + " s", true);
            }
            case "silence" -> new Made(AudioSources.silence(format), "silence", true);
            default -> throw new IllegalArgumentException("source not supported: '" + name + "' (" + NAMES + ")");
        };
    }

    /** {@code file:path=/music/a.wav,loop=true}: a WAV file, looped unless {@code loop=false}. */
    private static Made file(Params p) {
        String path = p.string("path", null);
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path: missing (file:path=/some/file.wav)");
        }
        boolean loop = p.bool("loop", true);
        try {
            Path file = Path.of(path);
            return new Made(AudioSources.wav(file, loop), "file " + file.getFileName() + (loop ? ", looped" : ""));
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException("path: cannot play '" + path + "': " + e.getMessage(), e);
        }
    }

    private static PcmFormat format(Params p) {
        int rate = p.integer("rate", 24000, 8000, 48000);
        if (!PcmFormat.isMp3SampleRate(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " not supported (8000, 11025, 12000, 16000, 22050,"
                    + " 24000, 32000, 44100, 48000)");
        }
        return new PcmFormat(rate, p.integer("channels", 1, 1, 2), SampleEncoding.FLOAT32_LE);
    }

    /** Encoder settings from {@code bitrate} (kbps), {@code vbr} (0-9) and {@code quality} (LAME 0-9). */
    public static EncoderSettings encoder(Params p, EncoderSettings base) {
        EncoderSettings s = base;
        if (p.has("bitrate")) {
            s = s.withBitrateKbps(p.integer("bitrate", 0, 8, 320));
        }
        if (p.has("vbr")) {
            s = s.withVbrQuality(p.integer("vbr", 4, 0, 9));
        }
        if (p.has("quality")) {
            s = s.withLameQuality(p.integer("quality", 5, 0, 9));
        }
        return s;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
