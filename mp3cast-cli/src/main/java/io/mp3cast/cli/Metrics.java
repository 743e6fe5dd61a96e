package io.mp3cast.cli;

import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.metrics.Mp3CastMetrics;

/** The server's metrics for {@code serve}: Micrometer with a Prometheus registry, served at {@code /metrics}. */
final class Metrics {
    private Metrics() {}

    static ServerMetrics prometheus() {
        return Mp3CastMetrics.prometheus();
    }
}
