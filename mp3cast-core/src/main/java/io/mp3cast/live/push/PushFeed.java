package io.mp3cast.live.push;

import io.mp3cast.live.FeedState;
import io.mp3cast.live.FrameFeed;
import io.mp3cast.live.LiveStream;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.time.Job;
import io.mp3cast.time.Scheduler;
import io.mp3cast.time.Task;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a live stream from producers that push audio: PCM, encoded by one continuous encoder, or
 * MP3, passed through frame by frame. One {@link Producer} at a time; the stream outlives them and
 * never breaks. The parts, each in this package: producers hand their bytes over
 * ({@link Handover}: who is attached, what they sent, room), the play-out job encodes PCM
 * ({@link PcmIngest}) into a buffer of whole frames ({@link FrameBuffer}) and publishes them at
 * real time ({@link Playout}), and what plays when no producer does is chosen by {@link InputSwitch}.
 *
 * <p><b>Pacing and backpressure.</b> Pushed audio is published by an absolute clock, one second
 * of audio per second, however fast it came. A producer may run ahead of real time by
 * {@link PushSettings#bufferMillis()}; beyond that its writes report no room, and a network
 * producer's socket stops being read, so TCP slows the upload: audio is never dropped and memory
 * stays bounded (about the buffer's worth of audio, plus one write). Reading resumes when the
 * buffer is down to three quarters. A producer that asks for {@link Pacing#NONE} has its frames
 * published as they are encoded instead.
 *
 * <p><b>Silence.</b> The stream plays on when there is nothing to play. When the producer is gone
 * and its buffered audio has played, silence in the stream's format is published: for PCM, zeros
 * fed to the same encoder (so the last of the producer's audio comes out of the encoder's
 * lookahead with no seam); for MP3, a silent frame shaped like the last one passed through. A
 * connected producer that falls behind (network jitter, a synthesizer thinking) is waited for up
 * to {@link PushSettings#underrunGraceMillis()}, and then caught up at once; only a longer gap is
 * filled with silence. A stream that has never had a producer publishes nothing
 * ({@link PlayoutState#IDLE}): its format is not known yet.
 *
 * <p><b>Fallback.</b> With a fallback stream, the silence is replaced by relaying that stream's
 * frames as they are published ({@link PlayoutState#FALLBACK}); a PCM stream's encoder is flushed
 * first. The fallback is looked up when it is needed; call {@link #fallbackMayHaveChanged()} when
 * it may have appeared (its mount was created), so an idle feed looks again.
 *
 * <p><b>Producers.</b> {@link #connect} admits one producer at a time: a second one is refused
 * unless it asks to take over, which detaches the first (its writes are then ignored and its
 * {@link Producer#onDetached} callback closes its connection). Audio the first one handed over
 * still plays, then the new producer's.
 *
 * <p><b>Format changes.</b> A PCM producer with another sample encoding (int16 after float)
 * changes nothing: the encoder gets float samples. A PCM producer with another rate or channel
 * count, an MP3 producer after PCM, or MP3 frames that differ from the last ones, change the
 * stream's format at a frame boundary: the old encoder's tail is flushed and the new frames
 * follow. The stream stays valid MP3, and mpg123, VLC and Firefox follow the change; some players
 * (Chrome's {@code <audio>} among them) may stop or misplay at a change of sample rate, so keep one
 * format per mount where browsers listen.
 *
 * <p><b>Draining.</b> {@link #drain()} ends the feed without losing audio it has taken: no producer
 * is admitted any more, and once the connected one (if any) has closed, the encoder's tail is
 * flushed, the buffer plays out at the normal pace and the stream ends. {@link #close()} stops at once.
 *
 * <p><b>Threading.</b> Producers write on their own threads (network event loops) and never wait:
 * a write copies the bytes and wakes the play-out. Encoding, the encoder's set-up and publishing
 * happen in the play-out job on the {@link Scheduler}'s threads. {@link #close()} may be called
 * from any thread, an event loop included: it returns at once, and the job frees the encoder and
 * ends the stream when its current run (if any) is over.
 */
public final class PushFeed implements FrameFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PushFeed.class);

    private final EncoderSettings encoderSettings;
    private final PushSettings settings;
    private final Scheduler scheduler;
    private final Supplier<Optional<LiveStream>> fallback;
    private final Handover handover;
    private final PcmIngest pcm;
    private final FrameBuffer buffer = new FrameBuffer();
    private final InputSwitch input;
    private final Object lifecycle = new Object();
    private volatile Job job;
    private Playout playout;
    private volatile boolean closed;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private String name = "push";

    /**
     * @param encoderSettings how pushed PCM is encoded (the bitrate applies to every PCM producer's format)
     * @param scheduler       runs the play-out (encoding and publishing)
     * @param fallback        the stream to relay while no producer plays, looked up when needed; empty for silence
     */
    public PushFeed(EncoderSettings encoderSettings, PushSettings settings, Scheduler scheduler,
                    Supplier<Optional<LiveStream>> fallback) {
        this.encoderSettings = Objects.requireNonNull(encoderSettings, "encoderSettings");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.handover = new Handover(settings.bufferMillis() * 1_000_000L, this::wake);
        this.pcm = new PcmIngest(encoderSettings);
        this.input = new InputSwitch(fallback, pcm, this::wake);
    }

    /** A feed with the default settings and no fallback. */
    public PushFeed(EncoderSettings encoderSettings, Scheduler scheduler) {
        this(encoderSettings, PushSettings.DEFAULT, scheduler, Optional::empty);
    }

    public PushSettings settings() {
        return settings;
    }

    public EncoderSettings encoderSettings() {
        return encoderSettings;
    }

    /**
     * Admits a producer. With one already connected, returns empty, unless {@code takeover}: then
     * the connected one is detached and this one replaces it.
     *
     * @param origin who pushes, for logs and status pages (an address)
     * @throws IllegalStateException when the feed is closed
     */
    public Optional<Producer> connect(String origin, Pacing pacing, boolean takeover) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(pacing, "pacing");
        Producer next = new Producer(handover, encoderSettings, origin, pacing);
        Handover.Attached attached = handover.attach(next, takeover, name);
        if (!attached.ok()) {
            return Optional.empty();
        }
        if (attached.replaced() != null) {
            LOG.warn("{}: producer {} taken over by {}", name, attached.replaced().origin(), origin);
            attached.replaced().runDetachedCallback();
        } else {
            LOG.debug("{}: producer {} connected{}", name, origin, pacing == Pacing.NONE ? " (unpaced)" : "");
        }
        return Optional.of(next);
    }

    /** The connected producer, if any. */
    public Optional<Producer> producer() {
        return Optional.ofNullable(handover.producer());
    }

    /** What the stream plays: a producer's audio, silence, the fallback, or nothing yet. */
    public PlayoutState playoutState() {
        return handover.producer() != null || handover.unplayedNanos() > 0 ? PlayoutState.LIVE : input.idleState();
    }

    /** Audio handed over and not played yet, in milliseconds. */
    public long bufferedMillis() {
        return handover.unplayedNanos() / 1_000_000;
    }

    /** The most audio ever buffered at once, in milliseconds: the memory bound at work. */
    public long peakBufferedMillis() {
        return handover.peakNanos() / 1_000_000;
    }

    /** Producers admitted so far. */
    public long producersConnected() {
        return handover.attachedCount();
    }

    /**
     * Ends the feed gracefully: no producer is admitted from now on; the connected one, if any, goes
     * on until it closes (a network producer is told to stop by the server; an in-process one should
     * close its producer); then the PCM encoder's tail is flushed, everything buffered is published at
     * the normal pace, and the stream ends ({@link FeedState#ENDED}). Returns at once. Idempotent.
     *
     * @return completes when the stream has ended: at once for a feed that never started, or that
     *         was closed; {@link #close()} still stops a draining feed at once
     */
    public CompletableFuture<Void> drain() {
        handover.drain();
        Playout p;
        synchronized (lifecycle) {
            p = playout;
            if (p == null || closed) {
                ended.complete(null);
                return ended;
            }
        }
        p.drain();
        return ended;
    }

    /**
     * Runs {@code task} each time a producer leaves (closes; not when it is taken over), on the
     * producer's thread: keep it short. One task; a server uses it to notice idle mounts.
     */
    public void onProducerLeft(Runnable task) {
        handover.onLeft(Objects.requireNonNull(task, "task"));
    }

    /** Looks up the fallback again soon: its stream may have appeared. Returns at once. */
    public void fallbackMayHaveChanged() {
        wake();
    }

    @Override
    public void start(LiveStream liveStream) {
        synchronized (lifecycle) {
            if (playout != null || closed) {
                throw new IllegalStateException(liveStream.name() + ": feed already started (" + state() + ")");
            }
            name = liveStream.name();
            playout = new Playout(liveStream, handover, buffer, pcm, input, scheduler, settings,
                    () -> ended.complete(null));
            Job j = scheduler.schedule("push " + name, Task.WAIT, playout);
            playout.started(j);
            job = j;
        }
        wake();  // once the job is known: it may run at once, on another thread
    }

    @Override
    public FeedState state() {
        Playout p;
        synchronized (lifecycle) {
            p = playout;
        }
        return p != null ? p.state() : closed ? FeedState.CLOSED : FeedState.IDLE;
    }

    @Override
    public String description() {
        Producer p = handover.producer();
        if (p == null) {
            return switch (playoutState()) {
                case FALLBACK -> "push: no producer, fallback";
                case LIVE -> "push: no producer, playing out the last one's audio";
                case SILENCE -> "push: no producer, silence";
                case IDLE -> "push: waiting for a producer";
            };
        }
        return "push: " + p.describe() + " from " + p.origin() + (p.pacing() == Pacing.NONE ? ", unpaced" : "");
    }

    /** Detaches the producer and stops the play-out; returns at once (see the class comment). Idempotent. */
    @Override
    public void close() {
        Producer detached = handover.close();
        if (detached != null) {
            detached.runDetachedCallback();
        }
        Playout p;
        Job j;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            p = playout;
            j = job;
        }
        if (j == null) {
            pcm.close();
            ended.complete(null);
        } else {
            j.cancel(p::release);
        }
    }

    /** Times the play-out job ran, for tests. */
    long jobRuns() {
        Job j = job;
        return j == null ? 0 : j.runs();
    }

    private void wake() {
        Job j = job;
        if (j != null) {
            j.wake();
        }
    }
}
