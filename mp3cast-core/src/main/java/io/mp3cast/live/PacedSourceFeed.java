package io.mp3cast.live;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.source.AudioSource;
import io.mp3cast.time.Job;
import io.mp3cast.time.Scheduler;
import io.mp3cast.time.Task;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a live stream from an {@link AudioSource}, encoded by one continuous encoder and paced to
 * real time by the {@link Scheduler}'s clock, not by listeners.
 *
 * <p>Pacing is by absolute time: the step that starts at sample {@code n} is read no earlier than
 * {@code start + n / sampleRate}, so one second of audio goes out per second of the clock on
 * average, without drift over hours. After a stall (a GC pause, a busy machine) it catches up at
 * once; a stall longer than {@link #MAX_CATCH_UP_MILLIS} is not caught up but skipped over, with a
 * warning, so listeners do not get a flood.
 *
 * <p>Threading: one job on the scheduler reads the source and encodes, a step at a time, and
 * costs no thread in between. The source is read on a scheduler thread, so it must answer
 * promptly (generators, files); a producer that waits for its audio belongs in a push mount. The
 * encoder is opened by the constructor (on the caller's thread, so a bad setting fails there).
 * {@link #close()} may be called from any thread and returns at once; the job closes source and
 * encoder and ends the stream when its current run is over.
 */
public final class PacedSourceFeed implements FrameFeed {
    /** Audio read per step by default: 20 ms, under one MP3 frame at every rate. */
    public static final int STEP_MILLIS = 20;
    /** How far behind the clock the feed may fall before it stops trying to catch up. */
    public static final int MAX_CATCH_UP_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(PacedSourceFeed.class);

    private final AudioSource source;
    private final Mp3Encoder encoder;
    private final Scheduler scheduler;
    private final String description;
    private final int rate;
    private final int channels;
    private final float[] buffer;
    private volatile FeedState state = FeedState.IDLE;
    private Job job;
    private LiveStream stream;
    private boolean started;
    private long startNanos;
    private long framesRead;

    /**
     * @param description what the source is, for status pages ({@code "tone 440 Hz"})
     * @param stepMillis  audio read and encoded per wake-up (1-1000 ms): a live mount gathers its
     *                    batch before sending anyway, so a step up to the batch costs no latency
     */
    public PacedSourceFeed(AudioSource source, EncoderSettings settings, Scheduler scheduler, String description,
                           int stepMillis) {
        this.source = Objects.requireNonNull(source, "source");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.description = Objects.requireNonNull(description, "description");
        if (stepMillis < 1 || stepMillis > 1000) {
            throw new IllegalArgumentException("stepMillis not supported: " + stepMillis + " (1-1000)");
        }
        this.rate = source.format().sampleRateHz();
        this.channels = source.format().channels();
        this.buffer = new float[Math.max(1, rate * stepMillis / 1000) * channels];
        this.encoder = Mp3Encoder.open(source.format(), settings);
    }

    public PacedSourceFeed(AudioSource source, EncoderSettings settings, Scheduler scheduler, String description) {
        this(source, settings, scheduler, description, STEP_MILLIS);
    }

    /** The encoder's constant (or nominal) bitrate. */
    public int bitrateKbps() {
        return encoder.bitrateKbps();
    }

    @Override
    public synchronized void start(LiveStream liveStream) {
        if (state != FeedState.IDLE) {
            throw new IllegalStateException(liveStream.name() + ": feed already started (" + state + ")");
        }
        stream = liveStream;
        state = FeedState.RUNNING;
        job = scheduler.schedule("feed " + liveStream.name(), Task.WAIT, this::step);
        job.wake();  // once job is set: the step may run at once, on another thread
    }

    @Override
    public FeedState state() {
        return state;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public synchronized void close() {
        if (state == FeedState.IDLE) {
            state = FeedState.CLOSED;
            freeResources();
        } else if (job != null) {
            job.cancel(this::stop);
        }
    }

    /** Reads and encodes every step due now; returns the nanoseconds until the next is due. */
    private long step() {
        try {
            long now = scheduler.nanoTime();
            if (!started) {
                started = true;
                startNanos = now;
            }
            long lateNanos = now - dueNanos(framesRead);
            if (lateNanos > MAX_CATCH_UP_MILLIS * 1_000_000L) {
                LOG.warn("{}: source fell {} ms behind the clock; skipping ahead", stream.name(), lateNanos / 1_000_000);
                startNanos += lateNanos;
            }
            while (dueNanos(framesRead) <= now) {
                if (!readStep()) {
                    return Task.WAIT;
                }
            }
            return dueNanos(framesRead) - now;
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: source failed: {}", stream.name(), e.toString(), e);
            end(FeedState.FAILED);
            return Task.WAIT;
        }
    }

    /** One step: false when the source ended (the stream is ended). */
    private boolean readStep() throws IOException {
        int n = source.read(buffer, 0, buffer.length);
        if (n < 0) {
            encoder.finish(stream.sink());
            LOG.info("{}: source ended", stream.name());
            end(FeedState.ENDED);
            return false;
        }
        encoder.encode(buffer, 0, n, stream.sink());
        framesRead += n / channels;
        return true;
    }

    private long dueNanos(long frames) {
        return startNanos + frames / rate * 1_000_000_000L + (frames % rate) * 1_000_000_000L / rate;
    }

    private void end(FeedState how) {
        state = how;
        job.cancel(this::stop);
    }

    /** When the job has stopped: frees source and encoder, ends the stream. */
    private void stop() {
        if (state == FeedState.RUNNING) {
            state = FeedState.CLOSED;
        }
        freeResources();
        stream.end();
    }

    private void freeResources() {
        try {
            source.close();
        } finally {
            encoder.close();
        }
    }
}
