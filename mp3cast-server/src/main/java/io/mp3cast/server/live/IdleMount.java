package io.mp3cast.server.live;

import io.mp3cast.live.push.PushFeed;
import io.mp3cast.time.Job;
import io.mp3cast.time.Scheduler;
import io.mp3cast.time.Task;

/**
 * Removes a mount a producer created once it has had no producer and no listener for the idle
 * time (stopped or not), so producers that come and go do not use up {@code max-mounts} or keep
 * encoding silence. Configured mounts are never watched.
 *
 * <p>One job per watched mount, on the scheduler, woken when the mount may have become idle (its
 * last listener left, its producer left) and at the idle deadline; it never polls.
 */
final class IdleMount implements Task {
    private final MountRegistry registry;
    private final LiveMount mount;
    private final PushFeed feed;
    private final Scheduler scheduler;
    private final long idleNanos;
    private volatile long idleSinceNanos;
    private Job job;

    private IdleMount(MountRegistry registry, LiveMount mount, PushFeed feed, Scheduler scheduler, long idleMillis) {
        this.registry = registry;
        this.mount = mount;
        this.feed = feed;
        this.scheduler = scheduler;
        this.idleNanos = idleMillis * 1_000_000L;
        this.idleSinceNanos = scheduler.nanoTime();
    }

    static void watch(MountRegistry registry, LiveMount mount, Scheduler scheduler, long idleMillis) {
        PushFeed feed = mount.push().orElseThrow();
        IdleMount idle = new IdleMount(registry, mount, feed, scheduler, idleMillis);
        idle.job = scheduler.schedule("idle " + mount.config().path(), Task.WAIT, idle);
        mount.onMaybeIdle(idle::maybeIdle);
        feed.onProducerLeft(idle::maybeIdle);
        idle.job.wakeIn(idle.idleNanos);
    }

    /** The last listener or the producer left: the idle time counts from now. */
    private void maybeIdle() {
        idleSinceNanos = scheduler.nanoTime();
        job.wakeIn(idleNanos);
    }

    @Override
    public long runOnce() {
        if (mount.listeners() > 0 || feed.producer().isPresent()) {
            return WAIT;  // woken again when they leave
        }
        long left = idleSinceNanos + idleNanos - scheduler.nanoTime();
        if (left > 0) {
            return left;
        }
        job.cancel();
        registry.remove(mount.config().path(), mount, "no producer and no listener for " + idleNanos / 1_000_000 + " ms");
        return WAIT;
    }
}
