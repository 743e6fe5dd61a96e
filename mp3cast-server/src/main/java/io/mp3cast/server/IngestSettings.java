package io.mp3cast.server;

import io.mp3cast.live.LiveStreamSettings;
import io.mp3cast.server.ingest.Origins;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server takes audio from producers (PCM or MP3 pushed with {@code PUT}, Icecast's
 * {@code SOURCE}, a WebSocket).
 *
 * @param sourcePassword    the password sources give with HTTP Basic auth, user {@code source};
 *                          null for none, which admits sources from the loopback address only
 * @param createMounts      whether a source may push to a path that is not a mount yet, creating it
 * @param takeover          whether a second source on a mount replaces the first (else it gets 403)
 * @param bufferMillis      how far ahead of real time a source may push before its upload is
 *                          slowed (TCP backpressure); the mount's memory bound for pushed audio
 * @param fallbackMount     the mount whose audio plays on a push mount while it has no source,
 *                          or null for silence
 * @param maxMounts         mounts allowed in all, configured ones included; sources that would
 *                          create more get 403
 * @param maxBodyKbps       the fastest a source's bytes are read, in kilobits per second, whatever
 *                          its pacing; 0 for no limit
 * @param idleMountMillis   a mount a producer created goes away once it has had no producer and no
 *                          listener for this long (configured mounts stay)
 * @param allowedOrigins    the web origins ({@code https://studio.example.com}) whose pages may push:
 *                          a push (HTTP or WebSocket) that carries an {@code Origin} header not listed
 *                          gets 403, password or not, so that no web page a local user visits can push
 *                          by accident; {@code *} allows every origin; empty (the default) allows none.
 *                          Producers outside browsers send no {@code Origin} and are not affected.
 */
public record IngestSettings(String sourcePassword, boolean createMounts, boolean takeover, int bufferMillis,
                             String fallbackMount, int maxMounts, int maxBodyKbps, long idleMountMillis,
                             List<String> allowedOrigins) {

    /** The longest {@link #idleMountMillis()}: a day. */
    public static final long MAX_IDLE_MOUNT_MILLIS = 86_400_000L;
    private static final long DEFAULT_IDLE_MOUNT_MILLIS = 60_000;

    /**
     * No password (loopback only), mounts created on demand, no takeover, 10 s buffer, no fallback,
     * 64 mounts, 50 Mbit/s, created mounts removed after 60 s idle, no browser origin.
     */
    public static final IngestSettings DEFAULT = new IngestSettings(null, true, false, 10_000, null, 64, 50_000,
            DEFAULT_IDLE_MOUNT_MILLIS, List.of());

    /** As the canonical constructor, with the default idle time for created mounts and no allowed origins. */
    public IngestSettings(String sourcePassword, boolean createMounts, boolean takeover, int bufferMillis,
                          String fallbackMount, int maxMounts, int maxBodyKbps) {
        this(sourcePassword, createMounts, takeover, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                DEFAULT_IDLE_MOUNT_MILLIS, List.of());
    }

    public IngestSettings {
        allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
        for (String origin : allowedOrigins) {
            Origins.normalise(origin);  // validates it
        }
        if (sourcePassword != null && sourcePassword.isEmpty()) {
            throw new IllegalArgumentException("sourcePassword not supported: empty (null for none)");
        }
        if (bufferMillis < 100 || bufferMillis > LiveStreamSettings.MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("bufferMillis not supported: " + bufferMillis
                    + " (100-" + LiveStreamSettings.MAX_RETAIN_MILLIS + ")");
        }
        if (fallbackMount != null) {
            MountConfig.of(fallbackMount);  // validates the path
        }
        if (maxMounts < 1 || maxMounts > 100_000) {
            throw new IllegalArgumentException("maxMounts not supported: " + maxMounts + " (1-100000)");
        }
        if (maxBodyKbps < 0) {
            throw new IllegalArgumentException("maxBodyKbps not supported: " + maxBodyKbps + " (>= 0, 0 for no limit)");
        }
        if (idleMountMillis < 1 || idleMountMillis > MAX_IDLE_MOUNT_MILLIS) {
            throw new IllegalArgumentException("idleMountMillis not supported: " + idleMountMillis
                    + " (1-" + MAX_IDLE_MOUNT_MILLIS + ")");
        }
    }

    public Optional<String> fallback() {
        return Optional.ofNullable(fallbackMount);
    }

    public IngestSettings withSourcePassword(String password) {
        return new IngestSettings(password, createMounts, takeover, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withCreateMounts(boolean create) {
        return new IngestSettings(sourcePassword, create, takeover, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withTakeover(boolean allow) {
        return new IngestSettings(sourcePassword, createMounts, allow, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withBufferMillis(int ms) {
        return new IngestSettings(sourcePassword, createMounts, takeover, ms, fallbackMount, maxMounts, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withFallbackMount(String path) {
        return new IngestSettings(sourcePassword, createMounts, takeover, bufferMillis, path, maxMounts, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withMaxMounts(int n) {
        return new IngestSettings(sourcePassword, createMounts, takeover, bufferMillis, fallbackMount, n, maxBodyKbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withIdleMountMillis(long ms) {
        return new IngestSettings(sourcePassword, createMounts, takeover, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                ms, allowedOrigins);
    }

    public IngestSettings withMaxBodyKbps(int kbps) {
        return new IngestSettings(sourcePassword, createMounts, takeover, bufferMillis, fallbackMount, maxMounts, kbps,
                idleMountMillis, allowedOrigins);
    }

    public IngestSettings withAllowedOrigins(List<String> origins) {
        return new IngestSettings(sourcePassword, createMounts, takeover, bufferMillis, fallbackMount, maxMounts, maxBodyKbps,
                idleMountMillis, origins);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "IngestSettings[sourcePassword=" + (sourcePassword == null ? "none" : "***") + ", createMounts="
                + createMounts + ", takeover=" + takeover + ", bufferMillis=" + bufferMillis + ", fallbackMount="
                + fallbackMount + ", maxMounts=" + maxMounts + ", maxBodyKbps=" + maxBodyKbps + ", idleMountMillis=" + idleMountMillis
                + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
