package io.mp3cast.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * What one connection may hold, and for how long: a stranger gets no resource it can keep.
 *
 * <p>Each state a connection can be in has its bound:
 * <ul>
 *   <li>connected, no byte of a request yet (a new connection, or a kept-alive one between
 *       requests): closed after {@code idleTimeoutMillis};</li>
 *   <li>sending its request head: the whole head must arrive within {@code headerTimeoutMillis} of
 *       its first byte (a client that sends one byte a second gains nothing), else {@code 408} and
 *       close;</li>
 *   <li>a per-request stream whose client stops reading: closed once no byte could be written for
 *       {@code writeTimeoutMillis}, which frees its stream slot;</li>
 *   <li>a live listener that stops reading: dropped once it is the mount's {@code queueMillis}
 *       behind ({@link MountConfig}); a producer that sends nothing: 30 s ({@link IngestSettings}).</li>
 * </ul>
 * Connections are capped in all ({@code maxConnections}) and per client address
 * ({@code maxConnectionsPerIp}; IPv6 addresses count by their /64 network). Past a cap a
 * connection is still accepted, answered {@code 503} and closed, so accepting never fails and the
 * open-file limit is never reached.
 *
 * @param headerTimeoutMillis  time from a request's first byte to the end of its head (default 10 s)
 * @param idleTimeoutMillis    time a connection may stay open before the first byte of a request (default 10 s)
 * @param writeTimeoutMillis   time a per-request stream may wait for its client to take bytes (default 10 s)
 * @param maxConnections       connections open at once in all (default: the process's open-file limit
 *                             less a reserve of a quarter of it, at most 1024)
 * @param maxConnectionsPerIp  connections open at once from one address (default 1000; 0: no limit,
 *                             as behind a reverse proxy, where every client has the proxy's address)
 */
public record ConnectionLimits(int headerTimeoutMillis, int idleTimeoutMillis, int writeTimeoutMillis,
                               int maxConnections, int maxConnectionsPerIp) {

    /** The open-file limit when the platform tells it, else 4096. */
    public static final long OPEN_FILE_LIMIT = openFileLimit();
    /** Default connection cap: the open-file limit less what the process needs besides sockets. */
    public static final int DEFAULT_MAX_CONNECTIONS = (int) Math.max(16,
            Math.min(Integer.MAX_VALUE, OPEN_FILE_LIMIT - Math.min(1024, OPEN_FILE_LIMIT / 4)));
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(10_000, 10_000, 10_000,
            DEFAULT_MAX_CONNECTIONS, 1000);

    public ConnectionLimits {
        check("headerTimeoutMillis", headerTimeoutMillis, 100, 3_600_000);
        check("idleTimeoutMillis", idleTimeoutMillis, 100, 3_600_000);
        check("writeTimeoutMillis", writeTimeoutMillis, 100, 3_600_000);
        if (maxConnections < 1 || maxConnections > OPEN_FILE_LIMIT - 16) {
            throw new IllegalArgumentException("maxConnections not supported: " + maxConnections + " (1-"
                    + (OPEN_FILE_LIMIT - 16) + ": below the open-file limit " + OPEN_FILE_LIMIT + ")");
        }
        if (maxConnectionsPerIp < 0) {
            throw new IllegalArgumentException("maxConnectionsPerIp not supported: " + maxConnectionsPerIp
                    + " (>= 0, 0 for no limit)");
        }
    }

    public ConnectionLimits withHeaderTimeoutMillis(int ms) {
        return new ConnectionLimits(ms, idleTimeoutMillis, writeTimeoutMillis, maxConnections, maxConnectionsPerIp);
    }

    public ConnectionLimits withIdleTimeoutMillis(int ms) {
        return new ConnectionLimits(headerTimeoutMillis, ms, writeTimeoutMillis, maxConnections, maxConnectionsPerIp);
    }

    public ConnectionLimits withWriteTimeoutMillis(int ms) {
        return new ConnectionLimits(headerTimeoutMillis, idleTimeoutMillis, ms, maxConnections, maxConnectionsPerIp);
    }

    public ConnectionLimits withMaxConnections(int n) {
        return new ConnectionLimits(headerTimeoutMillis, idleTimeoutMillis, writeTimeoutMillis, n, maxConnectionsPerIp);
    }

    public ConnectionLimits withMaxConnectionsPerIp(int n) {
        return new ConnectionLimits(headerTimeoutMillis, idleTimeoutMillis, writeTimeoutMillis, maxConnections, n);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " not supported: " + value + " (" + min + "-" + max + ")");
        }
    }

    private static long openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) {
                return max;
            }
        }
        return 4096;
    }
}
