package io.mp3cast.cli;

import io.mp3cast.spec.Params;
import io.mp3cast.spec.SourceSpecs;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;

/**
 * Parses a mount spec, {@code /path=source[:key=value,...]}, as given to {@code --mount} and in
 * the config file: {@code /tone.mp3=tone:hz=440,rate=24000,bitrate=64}.
 *
 * <p>{@code push} makes a mount that sources feed (PCM encoded with the encoder keys, or MP3 passed
 * through), with {@code fallback=/PATH} for what plays while none is connected.
 *
 * <p>Keys: the source's own (see {@link SourceSpecs}), the encoder's ({@code bitrate},
 * {@code vbr}, {@code quality}) and the mount's ({@code name}, {@code description},
 * {@code genre}, {@code title}, {@code burst-ms}, {@code queue-ms}, {@code batch-ms},
 * {@code metaint}, {@code hls-segment-ms}, {@code hls-window}). Unknown keys are rejected by name.
 */
public final class MountSpecs {
    private MountSpecs() {}

    /**
     * A parsed mount: where, what source (null for a push mount), how encoded, the initial title
     * (may be empty), and for a push mount the fallback mount (null for the server's default).
     */
    public record Spec(MountConfig config, SourceSpecs.Made source, EncoderSettings encoder, String title,
                       String fallback) {
        public boolean isPush() {
            return source == null;
        }
    }

    /**
     * @param defaults mount settings the spec's keys override (burst, queue, batch from flags)
     * @throws IllegalArgumentException naming the spec and the bad part
     */
    public static Spec parse(String spec, MountConfig defaults, EncoderSettings encoderDefaults) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("mount spec not supported: '" + spec + "' (/path=source[:key=value,...])");
        }
        String path = spec.substring(0, eq).trim();
        String rest = spec.substring(eq + 1).trim();
        int colon = rest.indexOf(':');
        String source = (colon < 0 ? rest : rest.substring(0, colon)).trim();
        try {
            return parse(path, source, Params.parseCommaList(colon < 0 ? "" : rest.substring(colon + 1)),
                    defaults, encoderDefaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mount " + path + ": " + e.getMessage(), e);
        }
    }

    private static Spec parse(String path, String source, Params p, MountConfig defaults, EncoderSettings encoderDefaults) {
        MountConfig config = new MountConfig(path,
                p.string("name", "mp3cast " + path),
                p.string("description", defaults.description()),
                p.string("genre", defaults.genre()),
                p.integer("burst-ms", defaults.burstMillis(), 0, 60_000),
                p.integer("queue-ms", defaults.queueMillis(), 100, 300_000),
                p.integer("batch-ms", defaults.batchMillis(), 0, 1000),
                p.integer("metaint", defaults.icyMetaIntervalBytes(), 256, 1 << 20),
                p.integer("hls-segment-ms", defaults.hlsSegmentMillis(), 1000, 30_000),
                p.integer("hls-window", defaults.hlsWindowSegments(), 3, 1000));
        String title = p.string("title", "");
        EncoderSettings encoder = SourceSpecs.encoder(p, encoderDefaults);
        if (source.equals("push")) {
            String fallback = p.string("fallback", null);
            p.rejectUnread(source + " on " + path);
            return new Spec(config, null, encoder, title, fallback);
        }
        SourceSpecs.Made made = SourceSpecs.create(source, p);
        try {
            p.rejectUnread(source + " on " + path);
        } catch (IllegalArgumentException e) {
            made.source().close();
            throw e;
        }
        return new Spec(config, made, encoder, title, null);
    }
}
