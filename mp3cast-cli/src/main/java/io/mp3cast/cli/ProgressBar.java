package io.mp3cast.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line of stderr, redrawn in place with {@code \r} and erased at the
 * end. It appears only once a job has run for half a second, so quick jobs print nothing, and
 * redraws at most ten times a second, so drawing costs nothing next to the work.
 *
 * <p>It shows seconds of audio done and how many times faster than real time they went. Work is
 * counted in units of the caller's choosing, {@code unitsPerSecond} of which make a second of
 * audio: bytes of PCM, or microseconds for MP3, whose bytes do not map to time. A job of unknown
 * length ({@link #UNKNOWN_TOTAL}: a pipe, an MP3) shows no percentage, only the seconds.
 */
final class ProgressBar implements Progress {
    /** The total of a job whose length is not known ahead. */
    static final long UNKNOWN_TOTAL = -1;
    private static final long SHOW_AFTER_NANOS = 500_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final long totalUnits;
    private final double unitsPerSecond;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private long doneUnits;
    private long drawnNanos;
    private int drawnLength;

    /**
     * @param totalUnits     the job's length, or {@link #UNKNOWN_TOTAL}
     * @param unitsPerSecond units per second of audio, to show progress in seconds
     * @param nanoTime       the clock, {@code System::nanoTime} outside tests
     */
    ProgressBar(PrintStream err, long totalUnits, double unitsPerSecond, LongSupplier nanoTime) {
        this.err = err;
        this.totalUnits = totalUnits;
        this.unitsPerSecond = unitsPerSecond;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    @Override
    public void advance(long units) {
        doneUnits += units;
        long now = nanoTime.getAsLong();
        if (now - startNanos >= SHOW_AFTER_NANOS && (drawnLength == 0 || now - drawnNanos >= REDRAW_NANOS)) {
            String line = line(doneUnits, totalUnits, unitsPerSecond, now - startNanos);
            // Pad over the previous line: an unbounded line can get shorter as its speed drops.
            err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            err.flush();
            drawnNanos = now;
            drawnLength = Math.max(drawnLength, line.length());
        }
    }

    @Override
    public void done() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
        }
    }

    /**
     * For example {@code " 42% [############                  ] 25.2 of 60.0 s at 12.6x"}, or
     * {@code "25.2 s at 1.0x"} when the total is unknown.
     */
    static String line(long doneUnits, long totalUnits, double unitsPerSecond, long elapsedNanos) {
        double seconds = doneUnits / unitsPerSecond;
        double speed = seconds / (Math.max(elapsedNanos, 1) / 1e9);
        if (totalUnits == UNKNOWN_TOTAL) {
            return String.format(Locale.ROOT, "%.1f s at %.1fx", seconds, speed);
        }
        double fraction = Math.min(1.0, (double) doneUnits / totalUnits);
        int filled = (int) (fraction * BAR_WIDTH);
        return String.format(Locale.ROOT, "%3d%% [%s%s] %.1f of %.1f s at %.1fx", (int) (fraction * 100),
                "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), seconds, totalUnits / unitsPerSecond, speed);
    }
}
