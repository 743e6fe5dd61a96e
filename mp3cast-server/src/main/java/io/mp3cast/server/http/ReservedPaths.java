package io.mp3cast.server.http;

import io.mp3cast.server.ops.Health;
import java.util.Set;

/** The server's own paths: no mount or route may take them, and no source may push to them. */
public final class ReservedPaths {
    public static final String STATUS_JSON = "/status.json";
    public static final String ICECAST_STATUS = "/status-json.xsl";
    public static final String ADMIN_METADATA = "/admin/metadata";
    public static final String METRICS = "/metrics";
    /** What Icecast slaves ({@code <master-server>}) fetch to learn the mounts they relay. */
    public static final String STREAM_LIST = "/admin/streamlist.txt";
    private static final Set<String> ALL = Set.of(STATUS_JSON, ICECAST_STATUS, ADMIN_METADATA, STREAM_LIST, METRICS,
            Health.LIVE, Health.READY);

    private ReservedPaths() {}

    /** Whether {@code path} is the server's own: a status page, metrics, health, anything under {@code /admin/}. */
    public static boolean isReserved(String path) {
        return ALL.contains(path) || path.startsWith("/admin/");
    }
}
