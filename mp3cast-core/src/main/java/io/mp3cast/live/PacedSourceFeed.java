package io.mp3cast.live;

import io.mp3cast.time.PacingClock;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.source.AudioSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a live stream from an {@link AudioSource}, encoded by one continuous encoder and paced to
 * real time by a clock, not by listeners.
 *
 * <p>Pacing is by absolute time: the chunk that starts at sample {@code n} is read no earlier than
 * {@code start + n / sampleRate}, so one second of audio goes out per second of the clock on
 * average, without drift over hours (sleep overshoot is not summed). After a stall (a GC pause, a
 * slow source) it catches up at once; a stall longer than {@link #MAX_CATCH_UP_MILLIS} is not caught
 * up but skipped over, with a warning, so listeners do not get a flood.
 *
 * <p>Threading: one daemon thread per feed, named after the stream, owns the source and the
 * encoder and closes both when it stops. {@link #close()} may be called from any thread.
 */
public final class PacedSourceFeed implements FrameFeed {
    /** Audio read per step: 20 ms, under one MP3 frame at every rate. */
    static final int CHUNK_MILLIS = 20;
    /** How far behind the clock the feed may fall before it stops trying to catch up. */
    public static final int MAX_CATCH_UP_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(PacedSourceFeed.class);

    private final AudioSource source;
    private final Mp3Encoder encoder;
    private final PacingClock clock;
    private final String description;
    private volatile FeedState state = FeedState.IDLE;
    private volatile boolean closing;
    private Thread thread;

    /**
     * Opens the encoder at once, so a bad setting fails here rather than in the feed's thread.
     *
     * @param description what the source is, for status pages ({@code "tone 440 Hz"})
     */
    public PacedSourceFeed(AudioSource source, EncoderSettings settings, PacingClock clock, String description) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.description = Objects.requireNonNull(description, "description");
        this.encoder = Mp3Encoder.open(source.format(), settings);
    }

    public PacedSourceFeed(AudioSource source, EncoderSettings settings) {
        this(source, settings, PacingClock.SYSTEM, source.getClass().getSimpleName());
    }

    /** The encoder's constant (or nominal) bitrate. */
    public int bitrateKbps() {
        return encoder.bitrateKbps();
    }

    @Override
    public synchronized void start(LiveStream stream) {
        if (state != FeedState.IDLE) {
            throw new IllegalStateException(stream.name() + ": feed already started (" + state + ")");
        }
        state = FeedState.RUNNING;
        thread = new Thread(() -> run(stream), "mp3cast-feed " + stream.name());
        thread.setDaemon(true);
        thread.start();
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
    public void close() {
        Thread t;
        synchronized (this) {
            closing = true;
            t = thread;
            if (t == null) {
                freeResources();
                state = FeedState.CLOSED;
                return;
            }
        }
        t.interrupt();
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(LiveStream stream) {
        try {
            pace(stream);
        } catch (InterruptedException e) {
            state = FeedState.CLOSED;
        } catch (Exception | Error e) {
            if (closing) {
                state = FeedState.CLOSED;
            } else {
                LOG.error("{}: source failed: {}", stream.name(), e.toString(), e);
                state = FeedState.FAILED;
            }
        } finally {
            freeResources();
            stream.end();
        }
    }

    private void pace(LiveStream stream) throws Exception {
        int rate = source.format().sampleRateHz();
        int channels = source.format().channels();
        float[] buffer = new float[rate * CHUNK_MILLIS / 1000 * channels];
        long start = clock.nanoTime();
        long framesRead = 0;
        while (!closing) {
            long due = start + framesRead * 1_000_000_000L / rate;
            long lateNanos = clock.nanoTime() - due;
            if (lateNanos > MAX_CATCH_UP_MILLIS * 1_000_000L) {
                LOG.warn("{}: source fell {} ms behind the clock; skipping ahead", stream.name(), lateNanos / 1_000_000);
                start += lateNanos;
                due += lateNanos;
            }
            clock.sleepUntil(due);
            int n = source.read(buffer, 0, buffer.length);
            if (n < 0) {
                encoder.finish(stream.sink());
                state = FeedState.ENDED;
                LOG.info("{}: source ended", stream.name());
                return;
            }
            encoder.encode(buffer, 0, n, stream.sink());
            framesRead += n / channels;
        }
        state = FeedState.CLOSED;
    }

    private void freeResources() {
        try {
            source.close();
        } finally {
            encoder.close();
        }
    }
}
