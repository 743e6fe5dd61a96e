package io.mp3cast.server.status;

import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.live.push.Pacing;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code /status.json} (mp3cast's own) and {@code /status-json.xsl} (Icecast's layout). */
public final class StatusPages {
    public static final String SERVER_ID = "mp3cast 0.1";
    private static final DateTimeFormatter RFC_822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private StatusPages() {}

    public static String mp3cast(ServerState state) {
        long now = System.currentTimeMillis();
        Json j = new Json().begin();
        j.field("server", SERVER_ID);
        j.field("uptimeSeconds", (now - state.startedAtMillis()) / 1000.0);
        j.field("openStreams", state.openStreams().get());
        j.beginArray("mounts");
        for (LiveMount m : state.mounts().values()) {
            FrameHeader h = m.stream().lastHeader().orElse(null);
            j.begin();
            j.field("mount", m.config().path());
            j.field("listeners", m.listeners());
            j.field("peakListeners", m.peakListeners());
            j.beginObject("format");
            j.field("sampleRateHz", h == null ? 0 : h.sampleRateHz());
            j.field("channels", h == null ? 0 : h.channelMode().channels());
            j.end();
            j.field("bitrateKbps", h == null ? 0 : h.bitrateKbps());
            j.beginObject("source");
            Optional<PushFeed> push = m.push();
            if (push.isPresent()) {
                pushSource(j, push.get(), now);
            } else {
                j.field("state", m.feed().state().name().toLowerCase(Locale.ROOT));
                j.field("description", m.feed().description());
            }
            j.end();
            j.field("title", m.title());
            j.field("uptimeSeconds", (now - m.startedAtMillis()) / 1000.0);
            j.field("audioSeconds", m.stream().publishedMicros() / 1e6);
            j.field("bytesSent", m.bytesSent());
            j.end();
        }
        j.endArray();
        j.beginArray("routes");
        for (ServerState.Route r : state.routes().values()) {
            j.begin().field("path", r.path()).end();
        }
        j.endArray();
        return j.end().toString();
    }

    /**
     * A push mount's source: {@code state} is {@code live} (a source plays, or its buffered audio),
     * {@code silence}, {@code fallback} or {@code idle} (no source yet); then the buffer, and the
     * connected source's address, format, pacing and byte counts.
     */
    private static void pushSource(Json j, PushFeed p, long now) {
        j.field("state", p.playoutState().name().toLowerCase(Locale.ROOT));
        j.field("description", p.description());
        j.field("bufferedMillis", p.bufferedMillis());
        j.field("bufferMillis", p.settings().bufferMillis());
        j.field("sourcesConnected", p.producersConnected());
        Optional<Producer> source = p.producer();
        j.field("connected", source.isPresent());
        if (source.isPresent()) {
            Producer s = source.get();
            j.field("remote", s.origin());
            j.field("format", s.describe());
            j.field("pacing", s.pacing() == Pacing.NONE ? "none" : "real-time");
            j.field("connectedSeconds", (now - s.connectedAtMillis()) / 1000.0);
            j.field("bytesIn", s.bytesIn());
            j.field("skippedBytes", s.skippedBytes());
            j.field("tagBytes", s.tagBytes());
        }
    }

    /** Icecast 2.4's JSON: {@code source} is an object for one mount, an array for several. */
    public static String icecast(ServerState state, String hostHeader) {
        String host = hostHeader == null ? "localhost" : hostHeader;
        Json j = new Json().begin().beginObject("icestats");
        j.field("admin", "admin@localhost");
        j.field("host", host.replaceFirst(":\\d+$", ""));
        j.field("location", "mp3cast");
        j.field("server_id", SERVER_ID);
        j.field("server_start", RFC_822.format(Instant.ofEpochMilli(state.startedAtMillis())));
        j.field("server_start_iso8601", iso(state.startedAtMillis()));
        List<LiveMount> mounts = new ArrayList<>(state.mounts().values());
        if (mounts.size() == 1) {
            j.beginObject("source");
            source(j, mounts.get(0), host);
            j.end();
        } else if (mounts.size() > 1) {
            j.beginArray("source");
            for (LiveMount m : mounts) {
                j.begin();
                source(j, m, host);
                j.end();
            }
            j.endArray();
        }
        return j.end().end().toString();
    }

    private static void source(Json j, LiveMount m, String host) {
        FrameHeader h = m.stream().lastHeader().orElse(null);
        int rate = h == null ? 0 : h.sampleRateHz();
        int channels = h == null ? 0 : h.channelMode().channels();
        int kbps = h == null ? 0 : h.bitrateKbps();
        j.field("audio_info", "channels=" + channels + ";samplerate=" + rate + ";bitrate=" + kbps);
        j.field("bitrate", kbps);
        j.field("channels", channels);
        j.field("genre", m.config().genre());
        j.field("listener_peak", m.peakListeners());
        j.field("listeners", m.listeners());
        j.field("listenurl", "http://" + host + m.config().path());
        j.field("samplerate", rate);
        j.field("server_description", m.config().description());
        j.field("server_name", m.config().name());
        j.field("server_type", "audio/mpeg");
        m.push().flatMap(PushFeed::producer).ifPresent(s -> j.field("source_ip", s.origin().replaceFirst(":\\d+$", "")));
        j.field("server_url", "http://" + host + "/");
        j.field("stream_start", RFC_822.format(Instant.ofEpochMilli(m.startedAtMillis())));
        j.field("stream_start_iso8601", iso(m.startedAtMillis()));
        j.field("title", m.title());
        j.field("total_bytes_sent", m.bytesSent());
        j.field("dummy", (String) null);
    }

    private static String iso(long millis) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC)
                .withNano(0));
    }
}
