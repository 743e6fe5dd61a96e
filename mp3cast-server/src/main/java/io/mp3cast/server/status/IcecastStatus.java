package io.mp3cast.server.status;

import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.live.LiveMount;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Icecast 2.4's status documents, field by field, for the dashboards, exporters and admin tools
 * that read them: {@code /status-json.xsl}, {@code /admin/stats} (XML) and
 * {@code /admin/listclients?mount=} (XML). Checked against Debian's {@code icecast2} 2.4.4 serving
 * the same mounts (same keys, same JSON types): {@code IcecastStatusTest}.
 *
 * <p>As in Icecast, a mount is listed once it has audio (a push mount waiting for its first source
 * is not), {@code source} is one object for one mount and an array for several, {@code title} is
 * there once a title was set, and times are local with a numeric offset:
 * {@code 2026-11-09T10:00:00+0100} (Go's {@code 2006-01-02T15:04:05-0700}, as icecast_exporter
 * parses it) and {@code Mon, 09 Nov 2026 10:00:00 +0100}.
 */
public final class IcecastStatus {
    static final DateTimeFormatter ISO_8601 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ", Locale.ROOT);
    static final DateTimeFormatter RFC_822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
    static final String ADMIN = "admin@localhost";
    static final String LOCATION = "mp3cast";

    private IcecastStatus() {}

    /** {@code /status-json.xsl}: {@code hostHeader} (the request's {@code Host}) makes the listen URLs. */
    public static String json(ServerState state, String hostHeader, boolean tls) {
        String host = hostHeader == null ? "localhost" : hostHeader;
        Json j = new Json().begin().beginObject("icestats");
        j.field("admin", ADMIN);
        j.field("host", bareHost(host));
        j.field("location", LOCATION);
        j.field("server_id", StatusPages.SERVER_ID);
        j.field("server_start", rfc822(state.startedAtMillis()));
        j.field("server_start_iso8601", iso8601(state.startedAtMillis()));
        List<LiveMount> mounts = listed(state);
        if (mounts.isEmpty()) {
            j.field("dummy", (String) null);
        } else if (mounts.size() == 1) {
            j.beginObject("source");
            jsonSource(j, mounts.get(0), host, tls);
            j.end();
        } else {
            j.beginArray("source");
            for (LiveMount m : mounts) {
                j.begin();
                jsonSource(j, m, host, tls);
                j.end();
            }
            j.endArray();
        }
        return j.end().end().toString();
    }

    private static void jsonSource(Json j, LiveMount m, String host, boolean tls) {
        FrameHeader h = m.stream().lastHeader().orElseThrow();
        j.field("audio_info", audioInfo(h));
        j.field("bitrate", h.bitrateKbps());
        j.field("channels", h.channelMode().channels());
        j.field("genre", m.config().genre());
        j.field("listener_peak", m.peakListeners());
        j.field("listeners", m.listeners());
        j.field("listenurl", (tls ? "https://" : "http://") + host + m.config().path());
        j.field("samplerate", h.sampleRateHz());
        j.field("server_description", m.config().description());
        j.field("server_name", m.config().name());
        j.field("server_type", "audio/mpeg");
        j.field("server_url", (tls ? "https://" : "http://") + host + "/");
        j.field("stream_start", rfc822(m.startedAtMillis()));
        j.field("stream_start_iso8601", iso8601(m.startedAtMillis()));
        if (!m.title().isEmpty()) {
            j.field("title", m.title());
        }
        j.field("dummy", (String) null);
    }

    /** {@code /admin/stats}: the server's counters, then each mount's, as Icecast's XML. */
    public static String statsXml(ServerState state, String hostHeader, boolean tls) {
        String host = hostHeader == null ? "localhost" : hostHeader;
        List<LiveMount> mounts = listed(state);
        long listenersNow = mounts.stream().mapToLong(LiveMount::listeners).sum();
        long sourceConnections = state.mounts().values().stream()
                .mapToLong(m -> m.push().map(PushFeed::producersConnected).orElse(0L)).sum();
        long sourcesNow = state.mounts().values().stream().filter(m -> m.push().flatMap(PushFeed::producer).isPresent()).count();
        long connections = state.ops().tally().connections.sum();
        Xml x = new Xml().open("icestats");
        x.leaf("admin", ADMIN);
        x.leaf("client_connections", connections - sourceConnections);
        x.leaf("clients", state.ops().channels().size());
        x.leaf("connections", connections);
        x.leaf("file_connections", state.ops().tally().fileConnections.sum());
        x.leaf("host", bareHost(host));
        x.leaf("listener_connections", state.ops().tally().listenerConnections.sum());
        x.leaf("listeners", listenersNow);
        x.leaf("location", LOCATION);
        x.leaf("server_id", StatusPages.SERVER_ID);
        x.leaf("server_start", rfc822(state.startedAtMillis()));
        x.leaf("server_start_iso8601", iso8601(state.startedAtMillis()));
        x.leaf("source_client_connections", sourceConnections);
        x.leaf("source_relay_connections", 0);
        x.leaf("source_total_connections", sourceConnections);
        x.leaf("sources", sourcesNow);
        x.leaf("stats", 0);
        x.leaf("stats_connections", 0);
        for (LiveMount m : mounts) {
            xmlSource(x, m, host, tls);
        }
        return x.close("icestats").toString();
    }

    private static void xmlSource(Xml x, LiveMount m, String host, boolean tls) {
        FrameHeader h = m.stream().lastHeader().orElseThrow();
        x.openWith("source", "mount", m.config().path());
        x.leaf("audio_info", audioInfo(h));
        x.leaf("bitrate", h.bitrateKbps());
        x.leaf("channels", h.channelMode().channels());
        x.leaf("genre", m.config().genre());
        x.leaf("listener_peak", m.peakListeners());
        x.leaf("listeners", m.listeners());
        x.leaf("listenurl", (tls ? "https://" : "http://") + host + m.config().path());
        x.leaf("max_listeners", "unlimited");
        x.leaf("public", m.isPublic() ? 1 : 0);
        x.leaf("samplerate", h.sampleRateHz());
        x.leaf("server_description", m.config().description());
        x.leaf("server_name", m.config().name());
        x.leaf("server_type", "audio/mpeg");
        x.leaf("server_url", (tls ? "https://" : "http://") + host + "/");
        x.leaf("slow_listeners", m.slowListeners());
        Optional<Producer> source = m.push().flatMap(PushFeed::producer);
        source.ifPresent(s -> x.leaf("source_ip", s.origin().replaceFirst(":\\d+$", "")));
        x.leaf("stream_start", rfc822(m.startedAtMillis()));
        x.leaf("stream_start_iso8601", iso8601(m.startedAtMillis()));
        if (!m.title().isEmpty()) {
            x.leaf("title", m.title());
        }
        x.leaf("total_bytes_read", m.bytesRead());
        x.leaf("total_bytes_sent", m.bytesSent());
        if (source.isPresent()) {
            x.leaf("user_agent", m.sourceAgent());
        }
        x.close("source");
    }

    /** {@code /admin/listclients?mount=}: the mount's listeners, as Icecast's XML. */
    public static String listClientsXml(LiveMount m) {
        long now = System.currentTimeMillis();
        Xml x = new Xml().open("icestats").openWith("source", "mount", m.config().path());
        x.leaf("Listeners", m.listeners());
        for (LiveMount.ListenerInfo c : m.clients()) {
            x.open("listener");
            x.leaf("IP", c.ip());
            x.leaf("UserAgent", c.userAgent());
            x.leaf("Connected", Math.max(0, (now - c.joinedAtMillis()) / 1000));
            x.leaf("ID", c.id());
            x.close("listener");
        }
        return x.close("source").close("icestats").toString();
    }

    /** Mounts with audio, as Icecast lists mounts with a source. */
    private static List<LiveMount> listed(ServerState state) {
        List<LiveMount> mounts = new ArrayList<>();
        for (LiveMount m : state.mounts().values()) {
            if (m.stream().lastHeader().isPresent()) {
                mounts.add(m);
            }
        }
        return mounts;
    }

    private static String audioInfo(FrameHeader h) {
        return "channels=" + h.channelMode().channels() + ";samplerate=" + h.sampleRateHz() + ";bitrate=" + h.bitrateKbps();
    }

    private static String bareHost(String host) {
        return host.replaceFirst(":\\d+$", "");
    }

    static String iso8601(long millis) {
        return ISO_8601.format(Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
    }

    static String rfc822(long millis) {
        return RFC_822.format(Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
    }

    /** Icecast's XML: a declaration, elements without whitespace between them, text escaped. */
    private static final class Xml {
        private final StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n");

        Xml open(String name) {
            sb.append('<').append(name).append('>');
            return this;
        }

        Xml openWith(String name, String attribute, String value) {
            sb.append('<').append(name).append(' ').append(attribute).append("=\"").append(escape(value)).append("\">");
            return this;
        }

        Xml leaf(String name, Object value) {
            sb.append('<').append(name).append('>').append(escape(String.valueOf(value))).append("</").append(name).append('>');
            return this;
        }

        Xml close(String name) {
            sb.append("</").append(name).append('>');
            return this;
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }

        @Override
        public String toString() {
            return sb + "\n";
        }
    }
}
