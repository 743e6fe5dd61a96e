package io.mp3cast.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line of stderr, redrawn in place with {@code \r} and erased at the
 * end. It appears only once a job has run for half a second, so quick encodes print nothing, and
 * redraws at most ten times a second, so drawing costs nothing next to encoding.
 */
final class ProgressBar implements Progress {
    private static final long SHOW_AFTER_NANOS = 500_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final long totalBytes;
    private final double bytesPerSecond;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private long doneBytes;
    private long drawnNanos;
    private int drawnLength;

    /**
     * @param totalBytes     the input's length, which must be known
     * @param bytesPerSecond bytes of input per second of audio, to show progress in seconds
     * @param nanoTime       the clock, {@code System::nanoTime} outside tests
     */
    ProgressBar(PrintStream err, long totalBytes, double bytesPerSecond, LongSupplier nanoTime) {
        this.err = err;
        this.totalBytes = totalBytes;
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    @Override
    public void advance(long bytes) {
        doneBytes += bytes;
        long now = nanoTime.getAsLong();
        if (now - startNanos >= SHOW_AFTER_NANOS && (drawnLength == 0 || now - drawnNanos >= REDRAW_NANOS)) {
            String line = line(doneBytes, totalBytes, bytesPerSecond);
            err.print("\r" + line);
            err.flush();
            drawnNanos = now;
            drawnLength = line.length();
        }
    }

    @Override
    public void done() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
        }
    }

    /** For example {@code " 42% [############                  ] 25.2 of 60.0 s"}. */
    static String line(long doneBytes, long totalBytes, double bytesPerSecond) {
        double fraction = Math.min(1.0, (double) doneBytes / totalBytes);
        int filled = (int) (fraction * BAR_WIDTH);
        return String.format(Locale.ROOT, "%3d%% [%s%s] %.1f of %.1f s", (int) (fraction * 100), "#".repeat(filled),
                " ".repeat(BAR_WIDTH - filled), doneBytes / bytesPerSecond, totalBytes / bytesPerSecond);
    }
}
