package io.mp3cast.live;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.source.AudioSource;
import io.mp3cast.time.Job;
import io.mp3cast.time.Scheduler;
import io.mp3cast.time.Task;
import java.io.IOException;
import java.util.Objects;
import java.util.function.BooleanSupplier;
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
 * <p><b>On demand.</b> A feed made {@code onDemand} stands by ({@link FeedState#STANDBY}) once no one
 * has wanted its frames ({@link #demand}) for {@link #STANDBY_AFTER_MILLIS}: it reads and encodes
 * nothing, and its job costs no wake-up. When someone wants them again ({@link #demandChanged}) it
 * goes on at once from where it stood, the clock's start moved by the time it stood by, so the
 * stream's frames run on without a gap or a burst: a listener joining gets the stream's burst (the
 * audio it made before it stood by), then frames in real time. For sources whose audio is a
 * function of time alone (the built-in generators), standing by loses nothing; a file played as
 * radio would lose the hours no one listened to, so it should not run on demand.
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
    /**
     * How long an on-demand feed runs on after the last one who wanted its frames left: 10 s, so a
     * listener who reconnects finds it running, and the stream's ring holds a full burst
     * (the server's default is 5 s at 64 kbps) when it stands by.
     */
    public static final int STANDBY_AFTER_MILLIS = 10_000;

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
    /** Set from any thread: read {@link #STEP_MILLIS} at a time, not the step given. */
    private volatile boolean fine;
    private final boolean onDemand;
    private volatile BooleanSupplier wanted = () -> true;
    /** When no one wanted the frames since (the job's clock), or -1 while someone does. Job only. */
    private long unwantedSinceNanos = -1;

    /**
     * @param description what the source is, for status pages ({@code "tone 440 Hz"})
     * @param stepMillis  audio read and encoded per wake-up (1-1000 ms): a live mount gathers its
     *                    batch before sending anyway, so a step up to the batch costs no latency
     */
    public PacedSourceFeed(AudioSource source, EncoderSettings settings, Scheduler scheduler, String description,
                           int stepMillis) {
        this(source, settings, scheduler, description, stepMillis, false);
    }

    /**
     * @param onDemand whether to stand by while no one wants the frames (see the class comment):
     *                 for sources whose audio is a function of time alone
     */
    public PacedSourceFeed(AudioSource source, EncoderSettings settings, Scheduler scheduler, String description,
                           int stepMillis, boolean onDemand) {
        this.onDemand = onDemand;
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

    @Override
    public void demand(BooleanSupplier newWanted) {
        wanted = Objects.requireNonNull(newWanted, "wanted");
    }

    @Override
    public void demandChanged() {
        if (onDemand) {
            wakeJob();
        }
    }

    /** While {@code on}, reads {@link #STEP_MILLIS} at a time, so each frame is published as soon as it is encoded. */
    @Override
    public void publishEveryFrame(boolean on) {
        fine = on;
        wakeJob();
    }

    private void wakeJob() {
        Job j;
        synchronized (this) {
            j = job;
        }
        if (j != null) {
            j.wake();
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
            if (onDemand && standsBy(now)) {
                return Task.WAIT;
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

    /**
     * Whether to make no frames now: no one has wanted them for {@link #STANDBY_AFTER_MILLIS}. Going
     * on from standing by moves the clock's start by the time stood, so the next step is due now.
     */
    private boolean standsBy(long now) {
        if (wanted.getAsBoolean()) {
            unwantedSinceNanos = -1;
            if (state == FeedState.STANDBY) {
                startNanos += Math.max(0, now - dueNanos(framesRead));
                state = FeedState.RUNNING;
                LOG.info("{}: wanted again, running", stream.name());
            }
            return false;
        }
        if (unwantedSinceNanos < 0) {
            unwantedSinceNanos = now;
        }
        if (state == FeedState.RUNNING && now - unwantedSinceNanos >= STANDBY_AFTER_MILLIS * 1_000_000L) {
            state = FeedState.STANDBY;
            LOG.info("{}: wanted by no one for {} s: standing by (on demand)", stream.name(), STANDBY_AFTER_MILLIS / 1000);
        }
        return state == FeedState.STANDBY;
    }

    /** One step: false when the source ended (the stream is ended). */
    private boolean readStep() throws IOException {
        int length = fine ? Math.min(buffer.length, Math.max(1, rate * STEP_MILLIS / 1000) * channels) : buffer.length;
        int n = source.read(buffer, 0, length);
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
        if (state == FeedState.RUNNING || state == FeedState.STANDBY) {
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
