package io.mp3cast.server.http;

import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.ingest.IngestContext;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.server.live.MountRegistry;
import io.mp3cast.server.ops.Ops;
import io.mp3cast.server.relay.Relays;
import io.mp3cast.server.MasterSettings;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.ConnectionLimits;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.StreamRoute;
import io.mp3cast.server.streams.RequestStreams;
import io.mp3cast.time.Scheduler;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the HTTP handlers share: mounts (those configured, plus those sources create), routes
 * (fixed at start), where per-request streams run, counters and ingest settings. Every event loop
 * reads them without locks.
 *
 * @param registry       live mounts by path
 * @param routes         per-request routes by path
 * @param adminPassword  the admin password, or null when admin calls are refused
 * @param maxOpenStreams per-request streams allowed at once; more get 503
 * @param streams        where per-request streams run (on the scheduler; blocking reads on a reader pool)
 * @param ingest         how sources push, and what mounts they create get
 * @param scheduler      runs the paced work: play-out, encoding, per-request streams
 * @param ownsScheduler  whether the server made the scheduler, and so closes it
 * @param ops            health, access log, open connections
 * @param hls            the mounts' HLS playlists and segments
 * @param limits         timeouts and connection caps
 * @param errors         where refused and failed requests are logged (and counted in {@code metrics})
 * @param relays         mounts pushed out to Icecast servers, and relay mounts' upstreams
 * @param master         who may read the stream list, for Icecast slaves
 */
public record ServerState(MountRegistry registry, Map<String, Route> routes, String adminPassword,
                          int maxOpenStreams, RequestStreams streams, AtomicInteger openStreams,
                          ServerMetrics metrics, long startedAtMillis, IngestContext ingest,
                          Scheduler scheduler, boolean ownsScheduler, Ops ops, Hls hls, ConnectionLimits limits,
                          ErrorLog errors, Relays relays, MasterSettings master) {

    /** The live mounts now, by path, in the order they were added. */
    public Map<String, LiveMount> mounts() {
        return registry.snapshot();
    }

    /**
     * A per-request route.
     *
     * @param queryEncoderParams whether {@code bitrate}, {@code vbr}, {@code quality} in the query
     *                           override the settings (the built-in demo routes)
     */
    public record Route(String path, StreamRoute factory, EncoderSettings settings, boolean queryEncoderParams) {}
}
