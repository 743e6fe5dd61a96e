package io.mp3cast.server;

/**
 * Hooks for counting what the server does. Every method defaults to doing nothing; a Micrometer
 * binding implements the ones it wants. Methods are called on network and feed threads: keep them
 * cheap and non-blocking.
 */
public interface ServerMetrics {
    ServerMetrics NONE = new ServerMetrics() { };

    default void listenerJoined(String mount) {}

    /** A listener left or was dropped; {@code dropped} when the server cut it for falling behind. */
    default void listenerLeft(String mount, long seconds, boolean dropped) {}

    default void bytesSent(String mount, long bytes) {}

    default void streamOpened(String route) {}

    default void streamClosed(String route, long bytes) {}

    default void requestRejected(int status) {}

    /** A source started pushing to a mount. */
    default void producerConnected(String mount) {}

    /** A source stopped pushing; {@code bytes} it sent in all. */
    default void producerDisconnected(String mount, long bytes) {}
}
