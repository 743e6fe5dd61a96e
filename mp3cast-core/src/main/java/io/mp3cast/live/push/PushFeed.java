package io.mp3cast.live.push;

import io.mp3cast.live.FeedState;
import io.mp3cast.live.FrameFeed;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.PacedSourceFeed;
import io.mp3cast.time.PacingClock;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.mp3.Mp3FormatException;
import io.mp3cast.mp3.SilentFrame;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a live stream from producers that push audio: PCM, encoded by one continuous encoder, or
 * MP3, passed through frame by frame. One producer ({@link Producer}) at a time; the stream
 * outlives them and never breaks.
 *
 * <p><b>Pacing and backpressure.</b> Pushed audio goes into a buffer of whole MP3 frames (PCM is
 * encoded as it arrives) and a pacer thread publishes them by an absolute clock, one second of
 * audio per second, however fast they came. A producer may run ahead of real time by
 * {@link PushSettings#bufferMillis()}; beyond that its writes report no room, and a network
 * producer's socket stops being read, so TCP slows the upload: audio is never dropped and memory
 * stays bounded (about the buffer's worth of MP3 frames, plus one write). Reading resumes when
 * the buffer is down to three quarters. A source that asks for {@link Pacing#NONE} has its frames
 * published as they arrive instead.
 *
 * <p><b>Silence.</b> The stream plays on when there is nothing to play. When the source is gone
 * and its buffered audio has played, the pacer publishes silence in the stream's format: for PCM,
 * zeros fed to the same encoder (so the last of the source's audio comes out of the encoder's
 * lookahead with no seam); for MP3, a {@link SilentFrame} shaped like the last frame passed through
 * (version, rate, bitrate, channel mode). When a connected source falls behind (network jitter, a
 * synthesizer thinking), the stream waits up to {@link PushSettings#underrunGraceMillis()} and then
 * catches up at once; only a longer gap is filled with silence. A stream that has never had a
 * source publishes nothing ({@link PlayoutState#IDLE}): its format is not known yet.
 *
 * <p><b>Fallback.</b> With a fallback stream, the silence is replaced by relaying that stream's
 * frames as they are published ({@link PlayoutState#FALLBACK}); a PCM stream's encoder is flushed
 * first. The first relayed frame may lean on a bit reservoir this stream never carried, which
 * decoders play as a short glitch, as on any stream switch.
 *
 * <p><b>Sources.</b> {@link #connect} admits one source at a time: a second one is refused unless
 * it asks to take over, which detaches the first (its writes are then ignored and its
 * {@link Producer#onDetached} callback closes its connection). Audio the first one buffered
 * still plays, then the new source's.
 *
 * <p><b>Format changes.</b> A PCM source with another sample encoding (int16 after float) changes
 * nothing: the encoder gets float samples. A PCM source with another rate or channel count, an MP3
 * source after PCM, or an MP3 source whose frames differ from the last one's, changes the stream's
 * format at a frame boundary: the old encoder's tail is flushed and the new frames follow. The
 * stream stays valid MP3, and mpg123, VLC and Firefox follow the change; some players (Chrome's
 * {@code <audio>} among them) may stop or misplay at a change of sample rate, so keep one format
 * per mount where browsers listen.
 *
 * <p><b>Draining.</b> {@link #drain()} ends the feed without losing audio it has taken: no source
 * is admitted any more, and once the connected one (if any) has closed, the encoder's tail is
 * flushed, the buffer plays out at the normal pace and the stream ends. {@link #close()} stops at once.
 *
 * <p><b>Threading.</b> Producers write on their own threads (a network event loop); encoding
 * happens there, under the feed's lock. The pacer thread (one per feed, named after the stream)
 * is the only one that publishes. {@link #close()} detaches the source, stops the pacer and frees
 * the encoder; it may be called from any thread.
 */
public final class PushFeed implements FrameFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PushFeed.class);
    /** How often a waiting pacer looks again: for a late source, an idle stream, a fallback. */
    static final long POLL_NANOS = 10_000_000;
    private static final long SILENCE_CHUNK_FRAMES = 576;

    private enum Mode { NONE, ENCODER, PASS_THROUGH }

    private record Queued(byte[] data, long nanos) {}

    private final EncoderSettings encoderSettings;
    private final PushSettings settings;
    private final PacingClock clock;
    private final Supplier<Optional<LiveStream>> fallback;
    private final long bufferNanos;
    private final long resumeNanos;

    private final Object lock = new Object();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedNanos;
    private long peakQueuedNanos;
    private Producer source;
    private Runnable roomTask;
    private Mode mode = Mode.NONE;
    private Mp3Encoder encoder;
    private boolean encoderFlushed;
    private float[] silence;
    private final byte[] lastPassedHeader = new byte[FrameHeader.SIZE];
    private byte[] silentFrame;
    private boolean relaying;
    /** Pacer thread only: the last {@link #next} found a connected source dry, within its grace. */
    private boolean waitingForLateSource;
    /** Pacer thread only: the fallback stream being relayed, and the next of its frames to relay. */
    private LiveStream relayStream;
    private long relayNext;
    private long producersConnected;

    private volatile FeedState state = FeedState.IDLE;
    private volatile PlayoutState sourceState = PlayoutState.IDLE;
    private volatile boolean closing;
    /** Set once by {@link #drain()}, under the lock. */
    private boolean draining;
    /** Pacer thread only: draining, and everything taken has been published. */
    private boolean drained;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private Thread thread;
    private LiveStream stream;
    private String name = "push";

    /**
     * @param encoderSettings how pushed PCM is encoded (the bitrate applies to every PCM source's format)
     * @param fallback        the stream to relay while no source plays, looked up when needed; empty for silence
     */
    public PushFeed(EncoderSettings encoderSettings, PushSettings settings, PacingClock clock,
                    Supplier<Optional<LiveStream>> fallback) {
        this.encoderSettings = Objects.requireNonNull(encoderSettings, "encoderSettings");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.bufferNanos = settings.bufferMillis() * 1_000_000L;
        this.resumeNanos = bufferNanos * 3 / 4;
    }

    /** A feed with the default settings, the system clock and no fallback. */
    public PushFeed(EncoderSettings encoderSettings) {
        this(encoderSettings, PushSettings.DEFAULT, PacingClock.SYSTEM, Optional::empty);
    }

    public PushSettings settings() {
        return settings;
    }

    public EncoderSettings encoderSettings() {
        return encoderSettings;
    }

    /**
     * Admits a producer. With a source already connected, returns empty, unless {@code takeover}:
     * then the connected one is detached and this one replaces it.
     *
     * @param origin who pushes, for logs and status pages (an address)
     * @throws IllegalStateException when the feed is closed
     */
    public Optional<Producer> connect(String origin, Pacing pacing, boolean takeover) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(pacing, "pacing");
        Producer previous;
        Producer next = new Producer(this, origin, pacing);
        synchronized (lock) {
            if (closing || draining) {
                throw new IllegalStateException(name + ": feed is " + (closing ? "closed" : "draining"));
            }
            previous = source;
            if (previous != null && !takeover) {
                return Optional.empty();
            }
            if (previous != null) {
                previous.detach();
            }
            source = next;
            roomTask = null;
            producersConnected++;
            updateSourceState();
            lock.notifyAll();
        }
        if (previous != null) {
            LOG.warn("{}: source {} taken over by {}", name, previous.origin(), origin);
            previous.runDetachedCallback();
        } else {
            LOG.debug("{}: source {} connected{}", name, origin, pacing == Pacing.NONE ? " (unpaced)" : "");
        }
        return Optional.of(next);
    }

    /** The connected source, if any. */
    public Optional<Producer> producer() {
        synchronized (lock) {
            return Optional.ofNullable(source);
        }
    }

    public PlayoutState playoutState() {
        return sourceState;
    }

    /** Audio buffered ahead of the stream, in milliseconds. */
    public long bufferedMillis() {
        synchronized (lock) {
            return queuedNanos / 1_000_000;
        }
    }

    /** The most audio ever buffered at once, in milliseconds: the memory bound at work. */
    public long peakBufferedMillis() {
        synchronized (lock) {
            return peakQueuedNanos / 1_000_000;
        }
    }

    /** Producers admitted so far. */
    public long producersConnected() {
        synchronized (lock) {
            return producersConnected;
        }
    }

    @Override
    public synchronized void start(LiveStream liveStream) {
        if (state != FeedState.IDLE) {
            throw new IllegalStateException(liveStream.name() + ": feed already started (" + state + ")");
        }
        stream = liveStream;
        name = liveStream.name();
        state = FeedState.RUNNING;
        thread = new Thread(this::run, "mp3cast-push " + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public FeedState state() {
        return state;
    }

    @Override
    public String description() {
        Producer s;
        synchronized (lock) {
            s = source;
        }
        if (s == null) {
            return switch (sourceState) {
                case FALLBACK -> "push: no source, fallback";
                case LIVE -> "push: no source, playing out the last one's audio";
                case SILENCE -> "push: no source, silence";
                case IDLE -> "push: waiting for a source";
            };
        }
        return "push: " + s.describe() + " from " + s.origin() + (s.pacing() == Pacing.NONE ? ", unpaced" : "");
    }

    @Override
    public void close() {
        Producer detached;
        Thread t;
        synchronized (this) {
            synchronized (lock) {
                closing = true;
                detached = source;
                if (detached != null) {
                    detached.detach();
                    source = null;
                }
                lock.notifyAll();
            }
            t = thread;
        }
        if (detached != null) {
            detached.runDetachedCallback();
        }
        if (t == null) {
            release();
            state = FeedState.CLOSED;
            ended.complete(null);
            return;
        }
        t.interrupt();
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the feed gracefully: no producer is admitted from now on; the connected one, if any, goes
     * on until it closes (a network producer is told to stop by the server; an in-process one should
     * close its producer); then the PCM encoder's tail is flushed, everything buffered is published at
     * the normal pace, and the stream ends. Idempotent.
     *
     * @return completes when the stream has ended: at once for a feed that never started, or that
     *         was closed; {@link #close()} still stops a draining feed at once
     */
    public CompletableFuture<Void> drain() {
        synchronized (this) {
            synchronized (lock) {
                draining = true;
                lock.notifyAll();
            }
            if (thread == null) {
                ended.complete(null);
            }
        }
        return ended;
    }

    // ---- producer side, called by Producer on the producer's thread

    void beginPcm(Producer s, PcmFormat format) {
        synchronized (lock) {
            if (s != source) {
                return;
            }
            PcmFormat floats = format.withEncoding(SampleEncoding.FLOAT32_LE);
            if (encoder != null && encoder.format().equals(floats)) {
                return;
            }
            Mp3Encoder next = Mp3Encoder.open(floats, encoderSettings);
            endEncoder();
            if (mode == Mode.PASS_THROUGH || mode == Mode.ENCODER) {
                LOG.warn("{}: stream format changes to {} for source {}", name, floats, s.origin());
            }
            encoder = next;
            encoderFlushed = false;
            silence = new float[(int) SILENCE_CHUNK_FRAMES * format.channels()];
        }
    }

    void beginMp3(Producer s) {
        synchronized (lock) {
            if (s == source) {
                endEncoder();
            }
        }
    }

    void encode(Producer s, float[] samples, int n) {
        synchronized (lock) {
            if (s != source || encoder == null) {
                return;
            }
            encoder.encode(samples, 0, n, this::enqueue);
            encoderFlushed = false;
            mode = Mode.ENCODER;
            lock.notifyAll();
        }
    }

    void passThrough(Producer s, FrameSplitter splitter, ByteBuffer bytes) {
        synchronized (lock) {
            if (s != source) {
                bytes.position(bytes.limit());
                return;
            }
            if (bytes.hasArray()) {
                splitter.feed(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), this::enqueuePassed);
                bytes.position(bytes.limit());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                splitter.feed(copy, 0, copy.length, this::enqueuePassed);
            }
            lock.notifyAll();
        }
    }

    void endPassThrough(Producer s, FrameSplitter splitter) {
        synchronized (lock) {
            if (s == source) {
                splitter.end(this::enqueuePassed);
                lock.notifyAll();
            }
        }
    }

    boolean hasRoom() {
        synchronized (lock) {
            return queuedNanos < bufferNanos;
        }
    }

    void whenRoom(Producer s, Runnable task) {
        synchronized (lock) {
            if (s == source && queuedNanos >= bufferNanos) {
                roomTask = task;
                return;
            }
        }
        task.run();
    }

    void disconnect(Producer s) {
        synchronized (lock) {
            if (s != source) {
                return;
            }
            source = null;
            roomTask = null;
            updateSourceState();
        }
        LOG.debug("{}: source {} disconnected after {} bytes ({})", name, s.origin(), s.bytesIn(), s.describe());
    }

    /** Under the lock. */
    private void enqueue(byte[] data, int offset, int length) {
        long nanos;
        try {
            FrameHeader h = FrameHeader.parse(data, offset);
            nanos = h.samplesPerFrame() * 1_000_000_000L / h.sampleRateHz();
        } catch (Mp3FormatException e) {
            throw new IllegalStateException(name + ": a frame without a header: " + e.getMessage(), e);
        }
        queue.add(new Queued(Arrays.copyOfRange(data, offset, offset + length), nanos));
        queuedNanos += nanos;
        peakQueuedNanos = Math.max(peakQueuedNanos, queuedNanos);
        updateSourceState();
    }

    /** Under the lock. */
    private void enqueuePassed(byte[] data, int offset, int length) {
        System.arraycopy(data, offset, lastPassedHeader, 0, FrameHeader.SIZE);
        silentFrame = null;
        mode = Mode.PASS_THROUGH;
        enqueue(data, offset, length);
    }

    /** Under the lock: the encoder's tail goes into the queue and the encoder is freed. */
    private void endEncoder() {
        if (encoder != null) {
            try {
                encoder.finish(this::enqueue);
            } finally {
                encoder.close();
                encoder = null;
            }
        }
    }

    /** Under the lock. */
    private void updateSourceState() {
        PlayoutState next;
        if (source != null || !queue.isEmpty()) {
            next = PlayoutState.LIVE;
        } else if (relaying) {
            next = PlayoutState.FALLBACK;
        } else if (mode != Mode.NONE) {
            next = PlayoutState.SILENCE;
        } else {
            next = PlayoutState.IDLE;
        }
        if (next != sourceState) {
            sourceState = next;
            LOG.debug("{}: {}", name, next);
        }
    }

    // ---- the pacer thread

    private void run() {
        try {
            pace();
            state = drained ? FeedState.ENDED : FeedState.CLOSED;
        } catch (InterruptedException e) {
            state = FeedState.CLOSED;
        } catch (Exception | Error e) {
            if (closing) {
                state = FeedState.CLOSED;
            } else {
                LOG.error("{}: push feed failed: {}", name, e.toString(), e);
                state = FeedState.FAILED;
            }
        } finally {
            release();
            stream.end();
            ended.complete(null);
        }
    }

    private void pace() throws InterruptedException {
        long anchor = clock.nanoTime();
        long sent = 0;
        while (!closing) {
            if (unpaced()) {
                publishUnpaced();
                anchor = clock.nanoTime();
                sent = 0;
                continue;
            }
            long due = anchor + sent;
            clock.sleepUntil(due);
            long late = clock.nanoTime() - due;
            if (late > PacedSourceFeed.MAX_CATCH_UP_MILLIS * 1_000_000L) {
                LOG.warn("{}: fell {} ms behind the clock; playing on from now", name, late / 1_000_000);
                anchor += late;
                late = 0;
            }
            Queued next = next(late);
            if (next != null) {
                stream.publish(next.data, 0, next.data.length);
                sent += next.nanos;
                runRoomTask();
                continue;
            }
            if (drained) {
                return;
            }
            if (relaying) {
                relay();
            }
            clock.sleepUntil(clock.nanoTime() + POLL_NANOS);
            if (!waitingForLateSource) {
                anchor = clock.nanoTime();
                sent = 0;
            }
        }
    }

    /**
     * The frame to publish now, or null to look again shortly: for a late source within its grace
     * ({@link #waitingForLateSource}, the clock keeps running), or with nothing to play (idle, or
     * relaying the fallback, the clock starts afresh when audio comes).
     */
    private Queued next(long lateNanos) {
        synchronized (lock) {
            waitingForLateSource = false;
            Queued q = poll();
            if (q != null) {
                relaying = false;
                return q;
            }
            if (draining && source == null) {
                return drainTail();
            }
            if (source != null && lateNanos < settings.underrunGraceMillis() * 1_000_000L && mode != Mode.NONE) {
                waitingForLateSource = true;
                return null;
            }
            Optional<LiveStream> fb = source == null ? fallbackStream() : Optional.empty();
            if (fb.isPresent()) {
                if (mode == Mode.ENCODER && encoder != null && !encoderFlushed) {
                    encoder.flush(this::enqueue);
                    encoderFlushed = true;
                    return poll();
                }
                startRelay(fb.get());
                return null;
            }
            relaying = false;
            updateSourceState();
            return silence();
        }
    }

    /** Under the lock, draining with no source and nothing queued: the encoder's tail, then the end. */
    private Queued drainTail() {
        if (mode == Mode.ENCODER && encoder != null && !encoderFlushed) {
            encoder.flush(this::enqueue);
            encoderFlushed = true;
            Queued q = poll();
            if (q != null) {
                return q;
            }
        }
        drained = true;
        return null;
    }

    /** Under the lock. */
    private Queued poll() {
        Queued q = queue.poll();
        if (q != null) {
            queuedNanos -= q.nanos;
            updateSourceState();
        }
        return q;
    }

    /** Under the lock: one frame of silence in the stream's format, or null before any format is known. */
    private Queued silence() {
        if (mode == Mode.ENCODER && encoder != null) {
            while (queue.isEmpty()) {
                encoder.encode(silence, 0, silence.length, this::enqueue);
            }
            encoderFlushed = false;
            return poll();
        }
        if (mode == Mode.PASS_THROUGH) {
            if (silentFrame == null) {
                silentFrame = SilentFrame.like(lastPassedHeader, 0);
            }
            try {
                FrameHeader h = FrameHeader.parse(silentFrame, 0);
                return new Queued(silentFrame, h.samplesPerFrame() * 1_000_000_000L / h.sampleRateHz());
            } catch (Mp3FormatException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    // ---- fallback relay

    /** Under the lock. */
    private Optional<LiveStream> fallbackStream() {
        Optional<LiveStream> fb = fallback.get();
        return fb.filter(s -> s != stream && !s.isEnded());
    }

    /** Under the lock. */
    private void startRelay(LiveStream fb) {
        if (!relaying || relayStream != fb) {
            relayStream = fb;
            relayNext = fb.head();
            if (!relaying) {
                LOG.info("{}: relaying fallback {}", name, fb.name());
            }
        }
        relaying = true;
        updateSourceState();
    }

    /** Publishes the frames the fallback stream gained since the last call; copies them out first, so no two streams' locks are held at once. */
    private void relay() {
        LiveStream fb = relayStream;
        long from = Math.max(relayNext, fb.oldest());
        long to = fb.head();
        if (from >= to) {
            return;
        }
        List<byte[]> frames = new ArrayList<>();
        fb.read(from, to, (data, off, len) -> frames.add(Arrays.copyOfRange(data, off, off + len)));
        relayNext = to;
        for (byte[] f : frames) {
            stream.publish(f, 0, f.length);
        }
    }

    // ---- unpaced sources

    private boolean unpaced() {
        synchronized (lock) {
            return source != null && source.pacing() == Pacing.NONE;
        }
    }

    /** Waits briefly for frames and publishes all there are, as they came. */
    private void publishUnpaced() throws InterruptedException {
        List<Queued> frames = new ArrayList<>();
        synchronized (lock) {
            if (queue.isEmpty()) {
                lock.wait(POLL_NANOS / 1_000_000);
            }
            Queued q;
            while ((q = poll()) != null) {
                frames.add(q);
            }
        }
        for (Queued q : frames) {
            stream.publish(q.data, 0, q.data.length);
        }
        runRoomTask();
    }

    private void runRoomTask() {
        Runnable task;
        synchronized (lock) {
            if (roomTask == null || queuedNanos > resumeNanos) {
                return;
            }
            task = roomTask;
            roomTask = null;
        }
        task.run();
    }

    private void release() {
        synchronized (lock) {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
            queue.clear();
            queuedNanos = 0;
        }
    }
}
