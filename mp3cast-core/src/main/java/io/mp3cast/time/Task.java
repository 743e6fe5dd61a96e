package io.mp3cast.time;

/**
 * Work that a {@link Scheduler} runs again and again: a paced feed's next frames, a stream's next
 * step, a buffer's play-out.
 *
 * <p>A task runs on one of the scheduler's threads, never on two at once, and must not block:
 * no sleeps, no waits on other threads, no blocking I/O. It says when it wants to run next; in
 * between it costs no thread. Work that has to block (an embedder's blocking source) belongs on
 * another executor that hands its result back with {@link Job#wake()}.
 */
@FunctionalInterface
public interface Task {
    /** Returned by {@link #runOnce()}: run again only when woken ({@link Job#wake()}, {@link Job#wakeAt}). */
    long WAIT = -1;

    /**
     * Does what is due now and returns the nanoseconds until the task should run again, 0 for as
     * soon as possible, or {@link #WAIT}. To pace without drift, compute the delay from an absolute
     * schedule ({@code start + n * frameNanos - scheduler.nanoTime()}), not as a fixed period.
     *
     * <p>A task that throws is logged with its name and cancelled: catch what the task can handle.
     */
    long runOnce();
}
