package io.mp3cast.testing;

import io.mp3cast.time.PacingClock;
import java.util.HashMap;
import java.util.Map;

/**
 * A pacing clock advanced by the test, so paced feeds produce exact amounts of audio without
 * timed assertions. {@link #advanceMillis} moves in small steps and waits after each for the
 * feeds to catch up (to sleep again), as real time would let them.
 */
public final class ManualClock implements PacingClock {
    private static final long STEP_NANOS = 10_000_000;
    private static final long WAIT_LIMIT_MILLIS = 20_000;

    private final int sleepers;
    private final Map<Thread, Long> sleeping = new HashMap<>();
    private long now = 1_000_000_000L;

    /** A clock shared by {@code sleepers} feeds: it waits for that many before each step. */
    public ManualClock(int sleepers) {
        this.sleepers = sleepers;
    }

    public ManualClock() {
        this(1);
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleepUntil(long deadlineNanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        try {
            // Tell the waiting test once, not per wake-up: two sleepers notifying each other on
            // every wake-up would keep each other (and the test) spinning.
            sleeping.put(me, deadlineNanos);
            notifyAll();
            while (now < deadlineNanos) {
                wait();
            }
        } finally {
            sleeping.remove(me);
            notifyAll();
        }
    }

    /** Waits until the feeds are all asleep waiting for a time after now: they have caught up. */
    public synchronized void awaitIdle() {
        long deadline = System.currentTimeMillis() + WAIT_LIMIT_MILLIS;
        while (idleCount() < sleepers) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("feeds did not catch up with the manual clock: " + idleCount()
                        + " of " + sleepers + " asleep");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Moves time forward by {@code millis} in small steps, letting the feeds catch up after each. */
    public void advanceMillis(long millis) {
        long left = millis * 1_000_000L;
        awaitIdle();
        while (left > 0) {
            long step = Math.min(STEP_NANOS, left);
            synchronized (this) {
                now += step;
                notifyAll();
            }
            left -= step;
            awaitIdle();
        }
    }

    private int idleCount() {
        int n = 0;
        for (long deadline : sleeping.values()) {
            if (deadline > now) {
                n++;
            }
        }
        return n;
    }
}
