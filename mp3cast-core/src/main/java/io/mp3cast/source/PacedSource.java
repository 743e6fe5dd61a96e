package io.mp3cast.source;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.time.Pace;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;

/**
 * A source that hands out another source's samples no faster than real time, as a live producer
 * (a synthesizer speaking, a microphone) would: sample frame {@code n} is due {@code n / rate}
 * seconds after the source was made, by its clock ({@link Pace}), as a producer starts when asked,
 * whatever its reader is still setting up. A per-request stream over it is paced like a live one,
 * which the generators alone are not (they produce as fast as they are read).
 *
 * <p>A read returns once a step of audio is due (or all that was asked, if less), with everything
 * due, up to the length asked: a reader that fell behind (a GC pause, a busy machine) catches up at
 * once, and pacing does not drift over long streams. Steps start at {@code firstStepMillis}, so
 * the first MP3 frame can leave early, and grow with the audio handed out (half of it) up to
 * {@code stepMillis}: each step is a wake-up and a socket write, and at 24 kHz 20 ms steps cost a
 * per-request stream about twice the CPU of 100 ms steps (see BENCHMARKS.md).
 *
 * <p><b>No thread while it waits.</b> {@link #nanosUntilReadable} says when the next step is due;
 * the server's per-request streams ask it and are scheduled for then, so they never call a read
 * that would wait. {@link #read} itself waits ({@link Scheduler#sleepUntil}) only for a reader on
 * a thread of its own. Over a source that never blocks, a paced source never blocks either.
 *
 * <p>Threading: as {@link AudioSource}: one reader; {@link #close()} from any thread.
 */
public final class PacedSource implements AudioSource {
    /** First step: 20 ms, under one MP3 frame at every rate, so the first frame leaves early. */
    public static final int FIRST_STEP_MILLIS = 20;
    /** Largest step of {@link #realTime}: 100 ms, reached after about 0.3 s of audio. */
    public static final int STEP_MILLIS = 100;
    /** The most audio a paced source may have ready at once: 10 s. */
    public static final int MAX_LEAD_MILLIS = 10_000;

    private final AudioSource source;
    private final Scheduler clock;
    private final int channels;
    private final int firstStepFrames;
    private final int stepFrames;
    private final Pace pace;

    /**
     * @param clock           the clock (a server's scheduler, or a manual one in tests); the schedule starts now
     * @param firstStepMillis the least audio the first read waits for (1-1000 ms)
     * @param stepMillis      the most the least audio a read waits for grows to (firstStepMillis-1000 ms)
     */
    public PacedSource(AudioSource source, Scheduler clock, int firstStepMillis, int stepMillis) {
        this(source, clock, firstStepMillis, stepMillis, 0);
    }

    /**
     * As {@link #PacedSource(AudioSource, Scheduler, int, int)}, with {@code leadMillis} of audio
     * due at once (0-{@link #MAX_LEAD_MILLIS}): a producer that has that much ready when asked (a
     * synthesizer with its first words made), and keeps that far ahead of real time.
     */
    public PacedSource(AudioSource source, Scheduler clock, int firstStepMillis, int stepMillis, int leadMillis) {
        if (leadMillis < 0 || leadMillis > MAX_LEAD_MILLIS) {
            throw new IllegalArgumentException("leadMillis not supported: " + leadMillis + " (0-" + MAX_LEAD_MILLIS + ")");
        }
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (firstStepMillis < 1 || firstStepMillis > 1000) {
            throw new IllegalArgumentException("firstStepMillis not supported: " + firstStepMillis + " (1-1000)");
        }
        if (stepMillis < firstStepMillis || stepMillis > 1000) {
            throw new IllegalArgumentException("stepMillis not supported: " + stepMillis + " ("
                    + firstStepMillis + "-1000, at least firstStepMillis)");
        }
        int rate = source.format().sampleRateHz();
        this.channels = source.format().channels();
        this.firstStepFrames = Math.max(1, (int) ((long) rate * firstStepMillis / 1000));
        this.stepFrames = Math.max(1, (int) ((long) rate * stepMillis / 1000));
        this.pace = new Pace(rate, clock.nanoTime() - leadMillis * 1_000_000L);
    }

    /** Steps of a fixed {@code stepMillis}. */
    public PacedSource(AudioSource source, Scheduler clock, int stepMillis) {
        this(source, clock, stepMillis, stepMillis);
    }

    /** {@code source} in real time by {@code clock}, in steps from {@link #FIRST_STEP_MILLIS} up to {@link #STEP_MILLIS}. */
    public static PacedSource realTime(AudioSource source, Scheduler clock) {
        return new PacedSource(source, clock, FIRST_STEP_MILLIS, STEP_MILLIS);
    }

    @Override
    public PcmFormat format() {
        return source.format();
    }

    /** Until the next step is due; once it is, as the paced source's. */
    @Override
    public long nanosUntilReadable(int length) {
        int wanted = length / channels;
        if (wanted > 0) {
            long wait = stepDueNanos(wanted) - clock.nanoTime();
            if (wait > 0) {
                return wait;
            }
        }
        return source.nanosUntilReadable(length);
    }

    @Override
    public int read(float[] buffer, int offset, int length) throws IOException {
        int wanted = length / channels;
        if (wanted == 0) {
            return source.read(buffer, offset, length);
        }
        long least = leastFrames(wanted);
        try {
            clock.sleepUntil(stepDueNanos(wanted));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("paced read interrupted");
        }
        int frames = (int) Math.min(wanted, Math.max(least, pace.dueBeyondPosition(clock.nanoTime())));
        int n = source.read(buffer, offset, frames * channels);
        if (n > 0) {
            pace.advance(n / channels);
        }
        return n;
    }

    /** Frames handed out so far. */
    public long framesRead() {
        return pace.position();
    }

    /** When a read of {@code wanted} frames may return: once its least step is due. */
    private long stepDueNanos(int wanted) {
        return pace.dueNanos(pace.position() + leastFrames(wanted));
    }

    private long leastFrames(int wanted) {
        return Math.min(wanted, Math.max(firstStepFrames, Math.min(stepFrames, pace.position() / 2)));
    }

    @Override
    public void close() {
        source.close();
    }
}
