package io.mp3cast.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The event loops are sampled fast only while someone reads the lag: an idle server nobody scrapes
 * wakes once a second per loop for it, not ten times.
 */
class LoopLagWatchTest {
    @Test
    void theLagIsWatchedOnlyOnceAScrapeHasReadItAndAScrapeReadsTheWorstSinceTheLast() {
        Mp3CastMetrics metrics = Mp3CastMetrics.prometheus();
        assertThat(metrics.wantsEventLoopLag()).isTrue();
        assertThat(metrics.eventLoopLagWatched()).as("before any scrape").isFalse();
        metrics.eventLoopLag(3_000_000);
        metrics.eventLoopLag(7_000_000);
        metrics.eventLoopLag(1_000_000);
        assertThat(metrics.prometheusText().orElseThrow()).contains("mp3cast_event_loop_lag_seconds 0.007");
        assertThat(metrics.eventLoopLagWatched()).as("after a scrape").isTrue();
        assertThat(metrics.prometheusText().orElseThrow()).contains("mp3cast_event_loop_lag_seconds 0.0\n");
    }
}
