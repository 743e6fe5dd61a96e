package io.mp3cast.live.push;

import io.mp3cast.live.FeedState;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.PacedSourceFeed;
import io.mp3cast.time.Job;
import io.mp3cast.time.Scheduler;
import io.mp3cast.time.Task;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push stream's one job on the {@link Scheduler}: takes what producers handed over (PCM is
 * encoded here, never on their threads), and publishes the frames by an absolute clock, one
 * second of audio per second however fast they came: the frame that starts {@code t} into the
 * stream is due at {@code start + t}. It runs when something is handed over, when the next frame
 * is due (or a step of them, {@link PushSettings#publishStepMillis()}), or when the fallback it relays
 * gains frames; it never polls, and a push stream that
 * has nothing to play (no format known yet, or relaying) costs no wake-ups at all.
 *
 * <p>A connected producer that runs dry is waited for up to the underrun grace with the clock
 * running, so audio that comes late is caught up at once and network jitter cuts no silence in;
 * after that, silence (or the fallback) fills in. A stall of the scheduler longer than
 * {@link PacedSourceFeed#MAX_CATCH_UP_MILLIS} is skipped over, not caught up. An unpaced producer's
 * frames are published as they come.
 *
 * <p>Draining ({@link PushFeed#drain()}): once no producer is attached and all handed over has played,
 * the encoder's tail is flushed and played, and the stream ends.
 *
 * <p>One run encodes at most {@link #INGEST_NANOS_PER_RUN} of handed-over audio, then yields, so
 * a producer far ahead does not hold a scheduler thread that other streams' frames are due on.
 */
final class Playout implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(Playout.class);
    static final long INGEST_NANOS_PER_RUN = 200_000_000L;
    private static final long MAX_CATCH_UP_NANOS = PacedSourceFeed.MAX_CATCH_UP_MILLIS * 1_000_000L;

    private final LiveStream stream;
    private final Handover handover;
    private final FrameBuffer buffer;
    /** Silence made for a gap and not played yet: it plays before newer audio, and is no producer's. */
    private final FrameBuffer gap = new FrameBuffer();
    private final PcmIngest pcm;
    private final InputSwitch input;
    private final Scheduler scheduler;
    private final long graceNanos;
    private final long stepNanos;
    private Job job;
    /** The duration of the last frame published: how far apart frames fall due. */
    private long frameNanos;
    /** Whether the clock runs: false while there was nothing to play or the fallback played. */
    private boolean pacing;
    private long anchorNanos;
    private long sentNanos;
    private volatile FeedState state = FeedState.RUNNING;
    private volatile boolean draining;
    private final Runnable onReleased;

    Playout(LiveStream stream, Handover handover, FrameBuffer buffer, PcmIngest pcm, InputSwitch input,
            Scheduler scheduler, PushSettings settings, Runnable onReleased) {
        this.stream = stream;
        this.handover = handover;
        this.buffer = buffer;
        this.pcm = pcm;
        this.input = input;
        this.scheduler = scheduler;
        this.graceNanos = settings.underrunGraceMillis() * 1_000_000L;
        this.stepNanos = settings.publishStepMillis() * 1_000_000L;
        this.onReleased = onReleased;
    }

    void started(Job startedJob) {
        this.job = startedJob;
    }

    FeedState state() {
        return state;
    }

    /** Once no producer is attached and all handed over has played: the encoder's tail, then the end. */
    void drain() {
        draining = true;
        job.wake();
    }

    @Override
    public long runOnce() {
        try {
            boolean more = ingest();
            Producer p = handover.producer();
            long next = p != null && p.pacing() == Pacing.NONE ? publishAll() : pace(scheduler.nanoTime());
            Runnable room = handover.buffered(buffer.nanos());
            if (room != null) {
                room.run();
            }
            return more ? 0 : next;
        } catch (RuntimeException e) {
            LOG.error("{}: push feed failed: {}", stream.name(), e.toString(), e);
            state = FeedState.FAILED;
            job.cancel(this::release);
            return WAIT;
        }
    }

    /** Frees the encoder and ends the stream; runs once, when the job has stopped. */
    void release() {
        input.stopRelay();
        pcm.close();
        buffer.clear();
        gap.clear();
        if (state == FeedState.RUNNING) {
            state = FeedState.CLOSED;
        }
        stream.end();
        onReleased.run();
    }

    /** Takes what producers handed over, up to a run's worth; whether more is waiting. */
    private boolean ingest() {
        long taken = 0;
        Handover.Item item;
        while (taken < INGEST_NANOS_PER_RUN && (item = handover.poll()) != null) {
            if (item instanceof Handover.Pcm p) {
                pcm.encode(p.bytes(), buffer);
                input.encoded();
                taken += p.nanos();
            } else if (item instanceof Handover.Mp3 m) {
                input.passedThrough(m.frame());
                buffer.add(m.frame(), m.nanos());
            } else if (item instanceof Handover.BeginPcm b) {
                if (pcm.begin(b.format(), buffer)) {
                    LOG.warn("{}: stream format changes to {} for producer {}", stream.name(), b.format(), b.origin());
                }
            } else if (item instanceof Handover.BeginMp3) {
                pcm.end(buffer);
            }
        }
        return !handover.isEmpty();
    }

    private long publishAll() {
        pacing = false;
        input.stopRelay();
        FrameBuffer.Frame f;
        while ((f = next()) != null) {
            stream.publish(f.data(), 0, f.data().length);
        }
        return WAIT;
    }

    /** Publishes every frame due by {@code now}; returns the nanoseconds until the next is due, or WAIT. */
    private long pace(long now) {
        if (!pacing) {
            pacing = true;
            anchorNanos = now;
            sentNanos = 0;
        }
        while (true) {
            long due = anchorNanos + sentNanos;
            if (due > now) {
                return due - now + Math.max(0, stepNanos - frameNanos);  // wake when a step's frames are due
            }
            long late = now - due;
            if (late > MAX_CATCH_UP_NANOS) {
                LOG.warn("{}: fell {} ms behind the clock; playing on from now", stream.name(), late / 1_000_000);
                anchorNanos += late;
                late = 0;
            }
            FrameBuffer.Frame f = next();
            if (f != null) {
                input.stopRelay();
                stream.publish(f.data(), 0, f.data().length);
                sentNanos += f.nanos();
                frameNanos = f.nanos();
                continue;
            }
            if (handover.producer() != null && input.hasFormat() && late < graceNanos) {
                return graceNanos - late;  // a producer's audio, woken for when it comes
            }
            long gap = fillGap();
            if (gap != 0) {
                pacing = false;
                return gap;
            }
        }
    }

    private FrameBuffer.Frame next() {
        FrameBuffer.Frame f = gap.poll();
        return f != null ? f : buffer.poll();
    }

    /**
     * Nothing to play: returns 0 once silence (or the encoder's flushed tail) is in the buffer, or
     * WAIT when the fallback plays or nothing can (no format yet): the clock starts afresh when audio comes.
     */
    private long fillGap() {
        if (draining && handover.producer() == null && handover.isEmpty()) {
            if (pcm.flushOnce(buffer) && !buffer.isEmpty()) {
                return 0;
            }
            state = FeedState.ENDED;
            job.cancel(this::release);
            return WAIT;
        }
        Optional<LiveStream> fb = handover.producer() == null ? input.fallback(stream) : Optional.empty();
        if (fb.isPresent()) {
            if (pcm.flushOnce(buffer) && !buffer.isEmpty()) {
                return 0;
            }
            input.relay(fb.get(), stream);
            return WAIT;
        }
        input.stopRelay();
        return input.silence(gap) ? 0 : WAIT;
    }

}
