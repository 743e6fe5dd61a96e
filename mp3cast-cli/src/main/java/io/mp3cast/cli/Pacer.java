package io.mp3cast.cli;

import java.io.InterruptedIOException;

/**
 * Holds a sender to real time: audio that starts {@code t} seconds into the stream is not let out
 * before {@code t} seconds have passed since the first was. The sender is then at most one block of
 * audio ahead of real time, as a live source would be.
 *
 * <p>It waits on the schedule, not block by block, so time spent sending does not add up into
 * drift; a sender that falls behind (a slow network) is not made to wait until it has caught up.
 */
final class Pacer {
    /** Where time comes from: the system's clock and {@link Thread#sleep} outside tests. */
    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    private final Clock clock;
    private long startNanos;
    private boolean started;

    Pacer(Clock clock) {
        this.clock = clock;
    }

    /** Starts the schedule again at the next {@link #awaitAudioAt}: after a reconnect, nothing is owed. */
    void restart() {
        started = false;
    }

    /**
     * Waits until audio that starts {@code audioNanos} into the stream is due; the first call starts the clock.
     *
     * @throws InterruptedIOException if the thread is interrupted while it waits, with its interrupt status set
     */
    void awaitAudioAt(long audioNanos) throws InterruptedIOException {
        long now = clock.nanoTime();
        if (!started) {
            startNanos = now - audioNanos;
            started = true;
        }
        long wait = startNanos + audioNanos - now;
        if (wait > 0) {
            try {
                clock.sleepNanos(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the upload");
            }
        }
    }
}
