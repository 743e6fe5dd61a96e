package io.mp3cast.server.ops;

import io.mp3cast.server.ServerMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Samples how late each event loop runs a task: every {@link #PERIOD_MILLIS} a task is scheduled on
 * each loop and the delay between its due time and its start goes to {@link ServerMetrics#eventLoopLag}.
 * A loop busy with a long fan-out or a blocking call shows up as lag. Runs only when the metrics
 * want it, and every {@link #UNWATCHED_PERIOD_MILLIS} while nobody reads them
 * ({@link ServerMetrics#eventLoopLagWatched}): the fast sampling was most of an idle server's
 * event-loop CPU. Stops with the loops.
 */
public final class LoopLag {
    static final long PERIOD_MILLIS = 100;
    static final long UNWATCHED_PERIOD_MILLIS = 1000;

    private LoopLag() {}

    public static void start(EventLoopGroup group, ServerMetrics metrics) {
        if (!metrics.wantsEventLoopLag()) {
            return;
        }
        for (EventExecutor loop : group) {
            sampleLater(loop, metrics);
        }
    }

    private static void sampleLater(EventExecutor loop, ServerMetrics metrics) {
        long period = metrics.eventLoopLagWatched() ? PERIOD_MILLIS : UNWATCHED_PERIOD_MILLIS;
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(period);
        try {
            loop.schedule(() -> {
                metrics.eventLoopLag(Math.max(0, System.nanoTime() - due));
                sampleLater(loop, metrics);
            }, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down
        }
    }
}
