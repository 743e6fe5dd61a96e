package io.mp3cast.source;

import io.mp3cast.time.PacingClock;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.source.AudioSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;

/**
 * A source that hands out another source's samples no faster than real time, as a live producer
 * (a synthesizer speaking, a microphone) would: sample frame {@code n} is due {@code n / rate}
 * seconds after the source was made, as a producer starts when asked, whatever its reader is
 * still setting up. A per-request stream over it is paced like a live one, which the
 * generators alone are not (they produce as fast as they are read).
 *
 * <p>Each read waits until a step of audio is due (or all that was asked, if less), then returns
 * everything due, up to the length asked: a reader that fell behind (a GC pause, a busy machine)
 * catches up at once, and the time since the first read stays the measure, so pacing does not
 * drift over long streams. Steps start at {@code firstChunkMillis}, so the first MP3 frame can
 * leave early, and grow with the audio handed out (half of it) up to {@code chunkMillis}: each
 * step is a thread wake-up and a socket write, and at 24 kHz 20 ms steps cost a per-request
 * stream about twice the CPU of 100 ms steps (see BENCHMARKS.md).
 *
 * <p>Threading: as {@link AudioSource}: one reader; {@link #close()} from any thread.
 */
public final class PacedSource implements AudioSource {
    /** First step: 20 ms, under one MP3 frame at every rate, so the first frame leaves early. */
    public static final int FIRST_CHUNK_MILLIS = 20;
    /** Largest step of {@link #realTime}: 100 ms, reached after about 0.3 s of audio. */
    public static final int CHUNK_MILLIS = 100;

    private final AudioSource source;
    private final PacingClock clock;
    private final int rate;
    private final int channels;
    private final int firstChunkFrames;
    private final int chunkFrames;
    private final long startNanos;
    private long framesRead;

    /**
     * @param firstChunkMillis the least audio the first read waits for (1-1000 ms)
     * @param chunkMillis      the most the least audio a read waits for grows to (firstChunkMillis-1000 ms)
     */
    public PacedSource(AudioSource source, PacingClock clock, int firstChunkMillis, int chunkMillis) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (firstChunkMillis < 1 || firstChunkMillis > 1000) {
            throw new IllegalArgumentException("firstChunkMillis not supported: " + firstChunkMillis + " (1-1000)");
        }
        if (chunkMillis < firstChunkMillis || chunkMillis > 1000) {
            throw new IllegalArgumentException("chunkMillis not supported: " + chunkMillis + " ("
                    + firstChunkMillis + "-1000, at least firstChunkMillis)");
        }
        this.rate = source.format().sampleRateHz();
        this.channels = source.format().channels();
        this.firstChunkFrames = Math.max(1, (int) ((long) rate * firstChunkMillis / 1000));
        this.chunkFrames = Math.max(1, (int) ((long) rate * chunkMillis / 1000));
        this.startNanos = clock.nanoTime();
    }

    /** Steps of a fixed {@code chunkMillis}. */
    public PacedSource(AudioSource source, PacingClock clock, int chunkMillis) {
        this(source, clock, chunkMillis, chunkMillis);
    }

    /**
     * {@code source} in real time by the system clock, in steps from {@link #FIRST_CHUNK_MILLIS} up to
     * {@link #CHUNK_MILLIS}.
     */
    public static PacedSource realTime(AudioSource source) {
        return new PacedSource(source, PacingClock.SYSTEM, FIRST_CHUNK_MILLIS, CHUNK_MILLIS);
    }

    @Override
    public PcmFormat format() {
        return source.format();
    }

    @Override
    public int read(float[] buffer, int offset, int length) throws IOException {
        int wanted = length / channels;
        if (wanted == 0) {
            return source.read(buffer, offset, length);
        }
        long step = Math.max(firstChunkFrames, Math.min(chunkFrames, framesRead / 2));
        long least = Math.min(wanted, step);
        try {
            clock.sleepUntil(dueNanos(framesRead + least));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("paced read interrupted");
        }
        long due = framesDue(clock.nanoTime() - startNanos) - framesRead;
        int frames = (int) Math.min(wanted, Math.max(least, due));
        int n = source.read(buffer, offset, frames * channels);
        if (n > 0) {
            framesRead += n / channels;
        }
        return n;
    }

    /** Frames handed out so far. */
    public long framesRead() {
        return framesRead;
    }

    /** When frame {@code frames} is due, rounded up so that no frame is handed out early. */
    private long dueNanos(long frames) {
        return startNanos + frames / rate * 1_000_000_000L + ((frames % rate) * 1_000_000_000L + rate - 1) / rate;
    }

    /** Whole frames due {@code elapsedNanos} after the start (split so that days of audio do not overflow). */
    private long framesDue(long elapsedNanos) {
        return elapsedNanos / 1_000_000_000L * rate + (elapsedNanos % 1_000_000_000L) * rate / 1_000_000_000L;
    }

    @Override
    public void close() {
        source.close();
    }
}
