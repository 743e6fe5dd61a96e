package io.mp3cast.cli;

import io.mp3cast.spec.Params;
import io.mp3cast.spec.SourceSpecs;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.server.RelayTarget;
import io.mp3cast.server.Upstream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a mount spec, {@code /path=source[:key=value,...]}, as given to {@code --mount} and in
 * the config file: {@code /tone.mp3=tone:hz=440,rate=24000,bitrate=64}.
 *
 * <p>{@code push} makes a mount that sources feed (PCM encoded with the encoder keys, or MP3 passed
 * through), with {@code fallback=/PATH} for what plays while none is connected. {@code relay} makes
 * a push mount fed by another server's stream: {@code url=http://host:port/mount} or {@code https://...} (required),
 * {@code on-demand=true} to connect only while it has listeners, and {@code fallback} as for push.
 * A generated mount takes {@code on-demand} too: it then stands by, encoding nothing, once no
 * listener, HLS client, relay-to target or push mount's fallback has wanted it for 10 s; the default is {@code true} for
 * the built-in generators (their audio is a function of time alone) and {@code false} for files.
 *
 * <p>Any mount may push itself out to Icecast servers: {@code relay-to=icecast://source:PW@host:port/mount}
 * (or {@code http://...}, or {@code https://...} over TLS), repeatable, one key per target; a comma in a password
 * is written {@code %2C}. {@code ca=FILE} names PEM certificates to trust, instead of the JDK's CAs, for the TLS of
 * the mount's {@code https} upstream (and where it redirects) and its {@code https} relay-to targets.
 *
 * <p>Keys: the source's own (see {@link SourceSpecs}), the encoder's ({@code bitrate},
 * {@code vbr}, {@code quality}) and the mount's ({@code name}, {@code description},
 * {@code genre}, {@code title}, {@code burst-ms}, {@code queue-ms}, {@code batch-ms},
 * {@code metaint}, {@code hls-segment-ms}, {@code hls-window}, {@code hls-part-ms}, {@code relay-to}, {@code ca}).
 * Unknown keys are rejected by name.
 */
public final class MountSpecs {
    private MountSpecs() {}

    private static final String RELAY_TO = "relay-to";

    /**
     * A parsed mount: where, what source (null for a push or relay mount), how encoded, the initial
     * title (may be empty), for a push or relay mount the fallback mount (null for the server's
     * default), for a relay mount its upstream (else null), and the Icecast servers it pushes itself to.
     */
    public record Spec(MountConfig config, SourceSpecs.Made source, EncoderSettings encoder, String title,
                       String fallback, Upstream upstream, List<RelayTarget> relayTo, boolean onDemand) {
        public Spec {
            relayTo = List.copyOf(relayTo);
        }

        public boolean isPush() {
            return source == null && upstream == null;
        }

        public boolean isRelay() {
            return upstream != null;
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
            List<RelayTarget> relayTo = new ArrayList<>();
            String keys = withoutRelayTo(colon < 0 ? "" : rest.substring(colon + 1), relayTo);
            return parse(path, source, Params.parseCommaList(keys), relayTo, defaults, encoderDefaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mount " + path + ": " + e.getMessage(), e);
        }
    }

    /** Takes the {@code relay-to} keys out (they repeat, which other keys may not), parsing each. */
    private static String withoutRelayTo(String keys, List<RelayTarget> relayTo) {
        List<String> rest = new ArrayList<>();
        for (String part : keys.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(RELAY_TO)) {
                relayTo.add(RelayTarget.parse(part.substring(eq + 1).trim()));
            } else if (!part.isBlank()) {
                rest.add(part);
            }
        }
        return String.join(",", rest);
    }

    private static Spec parse(String path, String source, Params p, List<RelayTarget> relayTo, MountConfig defaults,
                              EncoderSettings encoderDefaults) {
        MountConfig config = new MountConfig(path,
                p.string("name", "mp3cast " + path),
                p.string("description", defaults.description()),
                p.string("genre", defaults.genre()),
                p.integer("burst-ms", defaults.burstMillis(), 0, 60_000),
                p.integer("queue-ms", defaults.queueMillis(), 100, 300_000),
                p.integer("batch-ms", defaults.batchMillis(), 0, 1000),
                p.integer("metaint", defaults.icyMetaIntervalBytes(), 256, 1 << 20),
                new HlsSettings(p.integer("hls-segment-ms", defaults.hls().segmentMillis(), 1000, 30_000),
                        p.integer("hls-window", defaults.hls().windowSegments(), 3, 1000),
                        p.integer("hls-part-ms", defaults.hls().partMillis(), 0, 15_000)));
        String title = p.string("title", "");
        EncoderSettings encoder = SourceSpecs.encoder(p, encoderDefaults);
        Path ca = caFile(p, source, relayTo);
        relayTo = relayTo.stream().map(t -> t.withCaFile(ca)).toList();
        if (source.equals("push")) {
            String fallback = p.string("fallback", null);
            p.rejectUnread(source + " on " + path);
            return new Spec(config, null, encoder, title, fallback, null, relayTo, false);
        }
        if (source.equals("relay")) {
            String url = p.string("url", null);
            if (url == null) {
                throw new IllegalArgumentException("relay: url missing (relay:url=http://host:port/mount)");
            }
            Upstream upstream = Upstream.parse(url, p.bool("on-demand", false)).withCaFile(ca);
            String fallback = p.string("fallback", null);
            p.rejectUnread(source + " on " + path);
            return new Spec(config, null, encoder, title, fallback, upstream, relayTo, upstream.onDemand());
        }
        SourceSpecs.Made made = SourceSpecs.create(source, p);
        boolean onDemand;
        try {
            onDemand = p.bool("on-demand", made.generator());
            p.rejectUnread(source + " on " + path);
        } catch (IllegalArgumentException e) {
            made.source().close();
            throw e;
        }
        return new Spec(config, made, encoder, title, null, null, relayTo, onDemand);
    }

    /** {@code ca=FILE}: for a mount that connects out, a relay mount or one with relay-to targets. */
    private static Path caFile(Params p, String source, List<RelayTarget> relayTo) {
        String ca = p.string("ca", null);
        if (ca == null) {
            return null;
        }
        if (ca.isBlank() || !source.equals("relay") && relayTo.isEmpty()) {
            throw new IllegalArgumentException("ca not supported: '" + ca + "' (a PEM file of CA certificates, for a"
                    + " relay mount's https upstream or https relay-to targets)");
        }
        return Path.of(ca.trim());
    }
}
