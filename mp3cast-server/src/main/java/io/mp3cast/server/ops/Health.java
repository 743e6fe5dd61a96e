package io.mp3cast.server.ops;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * {@code /healthz} (live: every event loop runs a task within {@link #LOOP_ANSWER_MILLIS}) and
 * {@code /readyz} (ready: listening, configured mounts started, not draining). Both are cheap, need
 * no credentials, and are exempt from connection caps: a cap asks {@link #isHealthPath}.
 *
 * <p>Threading: the flags are volatile; a check's answer always comes on the asking loop.
 */
public final class Health {
    public static final String LIVE = "/healthz";
    public static final String READY = "/readyz";
    /** A loop that has not run a task this long after it was queued counts as stuck. */
    static final long LOOP_ANSWER_MILLIS = 2000;

    private volatile EventLoopGroup loops;
    private volatile boolean ready;
    private volatile boolean draining;

    /** Whether {@code path} is a health check: answered before caps, limits and credentials. */
    public static boolean isHealthPath(String path) {
        return LIVE.equals(path) || READY.equals(path);
    }

    /** The server listens on these loops, with its configured mounts started. */
    public void started(EventLoopGroup group) {
        this.loops = group;
        this.ready = true;
    }

    /** The server stops taking new work: {@code /readyz} answers 503 from now on. */
    public void draining() {
        this.draining = true;
        this.ready = false;
    }

    public boolean isDraining() {
        return draining;
    }

    public boolean isReady() {
        return ready;
    }

    /**
     * Checks {@code path} ({@link #LIVE} or {@link #READY}) and hands {@code answer} a status code
     * and a one-line text, on some event loop; {@code asking} is the loop of the request.
     */
    public void check(String path, EventExecutor asking, BiConsumer<Integer, String> answer) {
        if (READY.equals(path)) {
            answer.accept(ready ? 200 : 503, ready ? "ready" : draining ? "draining: the server is stopping" : "starting");
            return;
        }
        EventLoopGroup group = loops;
        if (group == null) {
            answer.accept(503, "starting");
            return;
        }
        List<EventExecutor> all = new ArrayList<>();
        group.forEach(all::add);
        if (!all.contains(asking)) {
            // Not a connection of this server's loops (a test's embedded channel, whose loop takes tasks
            // from its own thread only): there is no loop to answer on but the caller's.
            answer.accept(200, "ok: " + all.size() + " event loops (not probed from outside them)");
            return;
        }
        AtomicInteger pending = new AtomicInteger(all.size());
        AtomicBoolean answered = new AtomicBoolean();
        for (EventExecutor loop : all) {
            Future<?> f = loop.submit(() -> { });
            f.addListener(done -> {
                if (pending.decrementAndGet() == 0 && answered.compareAndSet(false, true)) {
                    // Answer on the request's own loop, so the response is written where its channel lives.
                    asking.execute(() -> answer.accept(200, "ok: " + all.size() + " event loops answered"));
                }
            });
        }
        asking.schedule(() -> {
            if (answered.compareAndSet(false, true)) {
                answer.accept(503, pending.get() + " of " + all.size() + " event loops did not answer within "
                        + LOOP_ANSWER_MILLIS + " ms");
            }
        }, LOOP_ANSWER_MILLIS, TimeUnit.MILLISECONDS);
    }
}
