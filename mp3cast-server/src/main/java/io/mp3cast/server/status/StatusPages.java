package io.mp3cast.server.status;

import io.mp3cast.server.hls.HlsStatus;
import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.server.RelayStatus;
import io.mp3cast.live.push.Pacing;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import java.util.Locale;
import java.util.Optional;

/** {@code /status.json}: mp3cast's own status; Icecast's layouts are {@link IcecastStatus}. */
public final class StatusPages {
    public static final String SERVER_ID = "mp3cast 0.1";

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
            hls(j, state.hls().status(m));
            relays(j, state, m.config().path());
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

    /** The mount's HLS playlist and window ({@code started} once an HLS client asked for it). */
    private static void hls(Json j, HlsStatus h) {
        j.beginObject("hls");
        j.field("playlist", h.playlist());
        j.field("segmentMillis", h.segmentMillis());
        j.field("windowSegments", h.windowSegments());
        j.field("targetDurationSeconds", h.targetDurationSeconds());
        j.field("partMillis", h.partMillis());
        j.field("started", h.started());
        j.field("mediaSequence", h.mediaSequence());
        j.field("segments", h.segments());
        j.field("windowSeconds", h.windowSeconds());
        j.field("keptSegments", h.keptSegments());
        j.field("playlistRequests", h.playlistRequests());
        j.field("segmentRequests", h.segmentRequests());
        j.field("partRequests", h.partRequests());
        j.end();
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

    /**
     * {@code relays}: each {@code relay-to} target with its state ({@code waiting} for audio,
     * {@code connecting}, {@code connected}, {@code retrying}), bytes sent, reconnects, last error and
     * frames dropped for a slow target; {@code upstream}, for a relay mount, the same for its upstream.
     */
    private static void relays(Json j, ServerState state, String path) {
        j.beginArray("relays");
        for (RelayStatus r : state.relays().targets(path)) {
            j.begin();
            relay(j, r);
            j.field("skippedFrames", r.skippedFrames());
            j.end();
        }
        j.endArray();
        Optional<RelayStatus> upstream = state.relays().upstream(path);
        if (upstream.isPresent()) {
            j.beginObject("upstream");
            relay(j, upstream.get());
            j.end();
        }
    }

    private static void relay(Json j, RelayStatus r) {
        j.field("url", r.url());
        j.field("state", r.state());
        j.field("connected", r.connected());
        j.field("bytes", r.bytes());
        j.field("reconnects", r.reconnects());
        j.field("lastError", r.lastError());
    }
}
