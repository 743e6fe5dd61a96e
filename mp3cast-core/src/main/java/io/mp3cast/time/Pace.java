package io.mp3cast.time;

/**
 * Real time as an absolute schedule, the one way everything paced in mp3cast decides when audio is
 * due: position {@code p} (sample frames at {@code rateHz}, or nanoseconds of audio at
 * {@link #NANOS}) is due {@code p / rateHz} seconds after the start, whatever happened in between.
 * Waiting for "start + n x step" rather than "now + step" after each run keeps a stream from
 * drifting over hours (run time and timer overshoot are never summed), and a reader that fell
 * behind is owed everything due at once.
 *
 * <p>A pace only computes; it neither sleeps nor keeps time. The caller reads its clock (a
 * {@link Scheduler}'s {@code nanoTime}) and either returns the delay from a {@link Task} or, on a
 * thread that may block, waits with {@link Scheduler#sleepUntil}.
 *
 * <p>Threading: not thread-safe; one owner (a job, a reader) at a time.
 */
public final class Pace {
    /** The rate of a position counted in nanoseconds of audio. */
    public static final long NANOS = 1_000_000_000L;

    private final long rateHz;
    private long startNanos;
    private long position;

    /** A pace whose position 0 is due at {@code startNanos}. */
    public Pace(long rateHz, long startNanos) {
        if (rateHz < 1 || rateHz > NANOS) {
            throw new IllegalArgumentException("rateHz not supported: " + rateHz + " (1-" + NANOS + ")");
        }
        this.rateHz = rateHz;
        this.startNanos = startNanos;
    }

    /** How far the owner has got: frames (or nanoseconds) handed out, sent or played. */
    public long position() {
        return position;
    }

    /** Moves the position on by {@code units} (0 or more). */
    public void advance(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("units not supported: " + units + " (>= 0)");
        }
        position += units;
    }

    /** When {@code at} is due: rounded up, so that nothing is handed out early. */
    public long dueNanos(long at) {
        return startNanos + at / rateHz * NANOS + ((at % rateHz) * NANOS + rateHz - 1) / rateHz;
    }

    /** When the position is due: when the next frame may go. */
    public long dueNanos() {
        return dueNanos(position);
    }

    /** Whole units due at {@code nowNanos} beyond the position: what a reader is owed now (0 if none). */
    public long dueBeyondPosition(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        if (elapsed <= 0) {
            return 0;
        }
        // Split so that days of audio at 48 kHz (or of nanoseconds) do not overflow.
        long due = elapsed / NANOS * rateHz + (elapsed % NANOS) * rateHz / NANOS;
        return Math.max(0, due - position);
    }

    /** How far {@code nowNanos} is past the position's due time (negative: ahead of schedule). */
    public long lateNanos(long nowNanos) {
        return nowNanos - dueNanos();
    }

    /**
     * Restarts the schedule so that the position is due at {@code nowNanos}: after a stall longer
     * than a listener should be made to catch up on, or after a pause in the audio.
     */
    public void restartAt(long nowNanos) {
        startNanos += nowNanos - dueNanos();
    }

    @Override
    public String toString() {
        return "pace at " + position + " of " + rateHz + "/s, due " + dueNanos();
    }
}
