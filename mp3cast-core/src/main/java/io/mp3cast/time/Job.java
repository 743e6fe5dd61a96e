package io.mp3cast.time;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link Task} registered with a {@link Scheduler}: the handle its owner wakes and cancels.
 *
 * <p>Every method is safe from any thread and returns at once (it takes the scheduler's queue
 * lock for a few instructions, never a lock a task holds), so network event loops may call them.
 * Wake-ups coalesce: waking a job that is already due changes nothing; waking a running job runs it
 * once more right after.
 */
public final class Job {
    enum State { IDLE, QUEUED, RUNNING, CANCELLED }

    private static final AtomicLong NEXT_ID = new AtomicLong();

    final Scheduler scheduler;
    final Task task;
    final String name;
    final long id;
    // The fields below are guarded by the scheduler's lock.
    State state = State.IDLE;
    /** When QUEUED: when it runs. */
    long dueNanos;
    /** When RUNNING: the earliest wake-up asked for during the run, or {@link Long#MAX_VALUE}. */
    long wokenAtNanos = Long.MAX_VALUE;
    long runs;
    /** Whether a scheduler thread is in the task now (state may already be CANCELLED). */
    boolean running;
    /** Set by {@link #cancel(Runnable)} during a run: runs when the run ends. */
    Runnable afterStop;

    Job(Scheduler scheduler, String name, Task task) {
        this.scheduler = scheduler;
        this.name = Objects.requireNonNull(name, "name");
        this.task = Objects.requireNonNull(task, "task");
        this.id = NEXT_ID.getAndIncrement();
    }

    /** The name given at {@link Scheduler#schedule}, for logs. */
    public String name() {
        return name;
    }

    /** Runs the task as soon as a scheduler thread is free. */
    public void wake() {
        scheduler.wakeAt(this, Long.MIN_VALUE);
    }

    /** Runs the task no later than {@code nanoTime} on the scheduler's clock (earlier if it is already due sooner). */
    public void wakeAt(long nanoTime) {
        scheduler.wakeAt(this, nanoTime);
    }

    /** Runs the task no later than {@code delayNanos} from now. */
    public void wakeIn(long delayNanos) {
        long now = scheduler.nanoTime();
        scheduler.wakeAt(this, delayNanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, delayNanos));
    }

    /**
     * Never runs the task again. A run in progress on another thread finishes; this does not wait
     * for it (a task that must release something does so itself, when it sees it is done).
     * Idempotent.
     */
    public void cancel() {
        scheduler.cancel(this, null);
    }

    /**
     * Never runs the task again, then runs {@code release} once no run is in progress: at once on
     * this thread when none is, else on the scheduler's thread right after the run ends. This is how
     * an owner frees what its task uses (an encoder) from any thread, a network event loop included,
     * without waiting for the task. {@code release} runs at most once, and not at all if the job was
     * cancelled before.
     */
    public void cancel(Runnable release) {
        scheduler.cancel(this, Objects.requireNonNull(release, "release"));
    }

    public boolean isCancelled() {
        return scheduler.isCancelled(this);
    }

    /** Times the task has run so far. */
    public long runs() {
        return scheduler.runs(this);
    }

    @Override
    public String toString() {
        return "job " + name;
    }
}
