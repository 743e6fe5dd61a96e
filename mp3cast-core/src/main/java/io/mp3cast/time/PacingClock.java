package io.mp3cast.time;

import java.util.concurrent.locks.LockSupport;

/**
 * The clock a live feed paces itself by. Tests substitute one they advance by hand, so they
 * can check exact amounts of audio without timed assertions.
 */
public interface PacingClock {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadlineNanos}. */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /** The system's monotonic clock. */
    PacingClock SYSTEM = new PacingClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }

        @Override
        public String toString() {
            return "system clock";
        }
    };
}
