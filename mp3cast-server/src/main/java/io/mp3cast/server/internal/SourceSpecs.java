package io.mp3cast.server.internal;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;

/**
 * Built-in sources by name with their parameters, shared by {@code --mount} specs, the config
 * file and the per-request demo routes ({@code /tone.mp3?hz=440}).
 *
 * <p>Every source takes {@code rate} (Hz, default 24000) and {@code channels} (default 1);
 * {@code tone}: {@code hz} (440); {@code noise}: {@code seed}; {@code chirp}: {@code from}
 * (200 Hz), {@code to} (2000 Hz), {@code period} (5 s); {@code silence}.
 */
public final class SourceSpecs {
    public static final String NAMES = "tone, noise, chirp, silence, file";

    private SourceSpecs() {}

    /** A described source, made from a name and parameters. */
    public record Made(AudioSource source, String description) {}

    public static Made create(String name, Params p) {
        int rate = p.integer("rate", 24000, 8000, 48000);
        if (!PcmFormat.isMp3SampleRate(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " not supported (8000, 11025, 12000, 16000, 22050,"
                    + " 24000, 32000, 44100, 48000)");
        }
        PcmFormat format = new PcmFormat(rate, p.integer("channels", 1, 1, 2), SampleEncoding.FLOAT32_LE);
        double nyquist = format.sampleRateHz() / 2.0;
        return switch (name) {
            case "tone" -> {
                double hz = p.decimal("hz", 440, 1, nyquist - 1);
                yield new Made(AudioSources.tone(format, hz), "tone " + fmt(hz) + " Hz");
            }
            case "noise" -> {
                long seed = p.integer("seed", (int) System.nanoTime(), Integer.MIN_VALUE, Integer.MAX_VALUE);
                yield new Made(AudioSources.noise(format, seed), "noise");
            }
            case "chirp" -> {
                double from = p.decimal("from", 200, 1, nyquist - 1);
                double to = p.decimal("to", Math.min(2000, nyquist - 1), 1, nyquist - 1);
                double period = p.decimal("period", 5, 0.01, 3600);
                yield new Made(AudioSources.chirp(format, from, to, period),
                        "chirp " + fmt(from) + "-" + fmt(to) + " Hz every " + fmt(period) + " s");
            }
            case "silence" -> new Made(AudioSources.silence(format), "silence");
            case "file" -> throw new IllegalArgumentException("source 'file' needs the WAV reader (not yet merged)");
            default -> throw new IllegalArgumentException("source not supported: '" + name + "' (" + NAMES + ")");
        };
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
