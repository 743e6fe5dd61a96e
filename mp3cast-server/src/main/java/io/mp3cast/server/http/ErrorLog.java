package io.mp3cast.server.http;

import io.mp3cast.server.ServerMetrics;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every refused or failed request is logged: one line each, with the request id its response
 * carries ({@code X-Request-Id}), at most {@link #LINES_PER_SECOND} lines a second; past that the
 * lines are counted and one line says how many were left out. A flood of bad requests costs a few
 * lines of log a second, not a stack trace each.
 *
 * <p>4xx are logged at INFO, 5xx at WARN with the cause's class, message and the frame it was
 * thrown from; the full stack trace only at DEBUG. The query string is never logged (it may carry
 * a source's token). Thread-safe.
 */
public final class ErrorLog {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorLog.class);
    static final int LINES_PER_SECOND = 20;

    private final ServerMetrics metrics;
    private final String prefix = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    private final AtomicLong ids = new AtomicLong();
    private long windowStartNanos = System.nanoTime();
    private int linesInWindow;
    private long suppressed;

    public ErrorLog(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** A new request id: this server's random prefix and a counter, as in {@code 3f2a-1c}. */
    public String nextId() {
        return prefix + "-" + Long.toHexString(ids.incrementAndGet());
    }

    /**
     * Counts one refused or failed request ({@link ServerMetrics#requestRejected}) and logs it,
     * unless the rate limit is reached.
     *
     * @param what   the method and path (never the query), or what the connection was doing
     * @param cause  the unexpected exception behind a 5xx, or null
     */
    public void log(String id, String what, Object remote, int status, String message, Throwable cause) {
        metrics.requestRejected(status);
        if (!admit()) {
            return;
        }
        String remoteText = String.valueOf(remote).replaceFirst("^/", "");
        if (cause == null && status < 500) {
            LOG.info("[{}] {} from {}: {} {}", id, what, remoteText, status, message);
        } else if (cause == null) {
            LOG.warn("[{}] {} from {}: {} {}", id, what, remoteText, status, message);
        } else {
            LOG.warn("[{}] {} from {}: {} {}: {}{}", id, what, remoteText, status, message, cause, where(cause));
            LOG.debug("[{}] stack trace", id, cause);
        }
    }

    private synchronized boolean admit() {
        long now = System.nanoTime();
        if (now - windowStartNanos >= 1_000_000_000L) {
            if (suppressed > 0) {
                LOG.warn("{} more refused or failed requests not logged in the last {} ms (at most {} lines a second)",
                        suppressed, (now - windowStartNanos) / 1_000_000, LINES_PER_SECOND);
            }
            windowStartNanos = now;
            linesInWindow = 0;
            suppressed = 0;
        }
        if (linesInWindow >= LINES_PER_SECOND) {
            suppressed++;
            return false;
        }
        linesInWindow++;
        return true;
    }

    private static String where(Throwable cause) {
        StackTraceElement[] trace = cause.getStackTrace();
        return trace.length == 0 ? "" : " at " + trace[0];
    }
}
