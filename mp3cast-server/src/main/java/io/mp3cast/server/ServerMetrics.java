package io.mp3cast.server;

import java.util.Optional;

/**
 * Hooks for counting what the server does. Every method defaults to doing nothing; the Micrometer
 * binding ({@code io.mp3cast.server.metrics.Mp3CastMetrics}) implements them, and a server without
 * Micrometer on its classpath runs with {@link #NONE}. Methods are called on network and feed
 * threads: keep them cheap and non-blocking. Mount labels are mount paths, never client addresses.
 */
public interface ServerMetrics {
    ServerMetrics NONE = new ServerMetrics() { };

    /** Why a listener's response ended. */
    enum Disconnect {
        /** The client closed the connection. */
        CLIENT,
        /** The server cut it for falling further behind than the mount's queue bound. */
        SLOW,
        /** The server ended the response: the mount stopped, or the server did. */
        STOP
    }

    /** A mount began: configured at start, or created by a source. */
    default void mountAdded(Mount mount) {}

    /** A mount was removed while the server runs (not called when the server stops). */
    default void mountRemoved(Mount mount) {}

    default void listenerJoined(String mount) {}

    default void listenerLeft(String mount, long seconds, Disconnect reason) {}

    /** Audio bytes written to a mount's listeners (called per write: keep it cheap). */
    default void bytesSent(String mount, long bytes) {}

    /** A per-request route exists (told once per route, at start). */
    default void routeAdded(String route) {}

    default void streamOpened(String route) {}

    /** A per-request stream ended, normally or not, after sending {@code bytes} of audio. */
    default void streamClosed(String route, long bytes) {}

    /** A per-request stream was refused with 503: too many were open. */
    default void streamRefused(String route) {}

    /** A per-request stream failed (its source or encoder threw) and its connection was cut. */
    default void streamFailed(String route) {}

    /** The first audio byte of a per-request stream left, {@code nanos} after its request was read. */
    default void streamFirstByte(String route, long nanos) {}

    /** Any request answered with an error status. */
    default void requestRejected(int status) {}

    /** A producer was refused, or cut, with {@code status} (401, 403, 400, 413, 429, ...). */
    default void producerRefused(int status) {}

    /** A source started pushing to a mount. */
    default void producerConnected(String mount) {}

    /** Bytes read from a producer, and the seconds of audio they held (0 until a format is known). */
    default void producerReceived(String mount, long bytes, double audioSeconds) {}

    /** A source stopped pushing; {@code bytes} it sent in all. */
    default void producerDisconnected(String mount, long bytes) {}

    /** How late an event loop ran a task scheduled on it: sampled a few times a second per loop. */
    default void eventLoopLag(long nanos) {}

    /** Whether {@link #eventLoopLag} is wanted: the server samples the loops only then. */
    default boolean wantsEventLoopLag() {
        return false;
    }

    /**
     * Whether someone reads the loop lag now (a scrape lately): the loops are then sampled ten times
     * a second, otherwise once a second, so an idle server unobserved does not wake for it.
     */
    default boolean eventLoopLagWatched() {
        return true;
    }

    /**
     * The metrics in Prometheus's text exposition format, for {@code GET /metrics}; empty when this
     * binding has no Prometheus registry (the endpoint then answers 404).
     */
    default Optional<String> prometheusText() {
        return Optional.empty();
    }

    /** A mount's HLS playlist was served (GET or HEAD). */
    default void hlsPlaylistServed(String mount) {}

    /** A mount's HLS segment was served (GET or HEAD); {@code sequence} is its media sequence number. */
    default void hlsSegmentServed(String mount, long sequence) {}

    /** A part of a mount's low-latency HLS segment was served (GET or HEAD). */
    default void hlsPartServed(String mount) {}
}
