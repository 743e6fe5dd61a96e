package io.mp3cast.server.live;

import io.mp3cast.server.http.HttpWire;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.ops.AccessLog;
import io.mp3cast.live.FrameFeed;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.LiveStreamSettings;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live mount's fan-out: one {@link LiveStream} fed by one {@link FrameFeed}, sent to all its
 * listeners in batches.
 *
 * <p><b>Threading.</b> The feed's thread publishes frames; this class, observing the stream on
 * that thread, gathers {@link MountConfig#batchMillis()} of audio, copies it once into a shared
 * {@link Batch} and hands one task per event loop to the loops that hold listeners; a loop writes
 * it to its listeners in slices, serving its sockets in between. Each listener is touched only on
 * its own channel's event loop, so per-listener state needs no lock; the feed thread never waits
 * for a loop and a loop never waits for the feed.
 *
 * <p><b>Slow listeners.</b> A listener whose channel is not writable (Netty's outbound buffer is
 * past its high watermark, set from the queue bound, over a small socket send buffer) is skipped:
 * its frames stay in the shared ring, not in a queue of its own. Its lag is the audio between its
 * position and the head plus the bytes queued in Netty for it, less those of its burst still
 * queued (the burst is a head start, not lag). Once the lag passes
 * {@link MountConfig#queueMillis()} it is disconnected and logged with the mount, its lag and the
 * bound. The encoder and the other listeners never wait for it, and memory stays bounded: the ring
 * is fixed in size and each listener holds at most a watermark's worth of queued bytes plus one
 * catch-up write.
 */
public final class LiveMount implements StreamObserver {
    private static final Logger LOG = LoggerFactory.getLogger(LiveMount.class);
    /** Listeners written to before the event loop gets to serve its other sockets again. */
    static final int SLICE_LISTENERS = 512;

    /** Replaced when a source names the mount (its {@code ice-*} headers); read on any thread. */
    volatile MountConfig config;
    private volatile boolean icyPublic;
    /** The {@code User-Agent} of the last source that pushed here, for admin pages. */
    private volatile String sourceAgent = "";
    final LiveStream stream;
    final FrameFeed feed;
    final ServerMetrics metrics;
    final ByteBufAllocator alloc;
    private final long startedAtMillis = System.currentTimeMillis();
    private final Map<EventExecutor, LoopListeners> loops = new ConcurrentHashMap<>();
    private final AtomicInteger listeners = new AtomicInteger();
    private final AtomicInteger peakListeners = new AtomicInteger();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder slowListeners = new LongAdder();
    private final AtomicLong listenerIds = new AtomicLong();
    private final Map<Long, ListenerInfo> clients = new ConcurrentHashMap<>();
    private final AtomicLong titleVersion = new AtomicLong();
    private volatile String title = "";
    private volatile boolean started;
    private final String fallbackPath;
    private volatile Runnable onMaybeIdle = () -> { };
    /** Publisher thread only: the first frame of the batch being gathered. */
    private long batchFrom;

    public LiveMount(MountConfig config, FrameFeed feed, ServerMetrics metrics, ByteBufAllocator alloc) {
        this(config, feed, metrics, alloc, null);
    }

    /** @param fallbackPath the mount a push feed relays while it has no producer, or null */
    public LiveMount(MountConfig config, FrameFeed feed, ServerMetrics metrics, ByteBufAllocator alloc,
                     String fallbackPath) {
        this.fallbackPath = fallbackPath;
        this.config = config;
        this.feed = feed;
        this.metrics = metrics;
        this.alloc = alloc;
        int retain = Math.max(config.burstMillis(), config.queueMillis()) + config.batchMillis() + 2000;
        this.stream = new LiveStream(config.path(), new LiveStreamSettings(config.burstMillis(),
                Math.min(retain, LiveStreamSettings.MAX_RETAIN_MILLIS), LiveStreamSettings.BROWSER_START_BYTES));
        stream.addObserver(this);
    }

    public void start() {
        started = true;
        feed.start(stream);
        LOG.info("{}: live from {}", config.path(), feed.description());
    }

    /**
     * Stops the feed, which ends the stream (at once, or when its current run is over: a feed's
     * job may be publishing on a scheduler thread); listeners get the frames already published,
     * then the end of the body. Returns at once.
     */
    public void stop() {
        feed.close();
        if (!started) {
            stream.end();
        }
    }

    public MountConfig config() {
        return config;
    }

    public LiveStream stream() {
        return stream;
    }

    public FrameFeed feed() {
        return feed;
    }

    /** The mount a push feed relays while it has no producer, or null. */
    public String fallbackPath() {
        return fallbackPath;
    }

    /** Runs {@code task} (on an event loop) whenever the last listener leaves. */
    void onMaybeIdle(Runnable task) {
        onMaybeIdle = task;
    }

    /** The push feed, when sources feed this mount. */
    public Optional<PushFeed> push() {
        return feed instanceof PushFeed p ? Optional.of(p) : Optional.empty();
    }

    /**
     * What a source says about its stream (Icecast's {@code ice-name}, {@code ice-description},
     * {@code ice-genre}, {@code ice-public}): shown to listeners that join from now on and on status
     * pages. Null values leave the setting as it is.
     */
    public void describe(String name, String description, String genre, Boolean isPublic) {
        MountConfig c = config;
        c = name == null || name.isBlank() ? c : c.withName(clean(name));
        c = description == null || description.isBlank() ? c : c.withDescription(clean(description));
        c = genre == null || genre.isBlank() ? c : c.withGenre(clean(genre));
        config = c;
        if (isPublic != null) {
            icyPublic = isPublic;
        }
    }

    public void sourceAgent(String userAgent) {
        this.sourceAgent = userAgent == null ? "" : clean(userAgent);
    }

    public String sourceAgent() {
        return sourceAgent;
    }

    public boolean isPublic() {
        return icyPublic;
    }

    private static String clean(String text) {
        return IcyTitle.cut(text.replaceAll("\\p{Cntrl}", " ").trim(), 200);
    }

    public int listeners() {
        return listeners.get();
    }

    public int peakListeners() {
        return peakListeners.get();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Bytes read from sources (pushed PCM or MP3) so far. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    public void countRead(long bytes) {
        bytesRead.add(bytes);
    }

    /** Listeners dropped for falling behind so far. */
    public long slowListeners() {
        return slowListeners.sum();
    }

    /** A listener as admin pages list it (Icecast's {@code listclients}). */
    public record ListenerInfo(long id, String ip, String userAgent, long joinedAtMillis) {}

    /** The listeners now, for admin pages. */
    public Collection<ListenerInfo> clients() {
        return clients.values();
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public String title() {
        return title;
    }

    long titleVersion() {
        return titleVersion.get();
    }

    /**
     * Sets the title that ICY listeners see in their next metadata block (made safe there, see
     * {@link IcyTitle}).
     *
     * @throws IllegalArgumentException when it is longer than {@link IcyTitle#MAX_CODE_POINTS} characters
     */
    public void setTitle(String newTitle) {
        String clean = IcyTitle.checked(newTitle);
        title = clean;
        titleVersion.incrementAndGet();
        LOG.info("{}: title '{}'", config.path(), clean);
    }

    /** Icecast's informational headers, sent to every listener. */
    public void icyHeaders(HttpHeaders h) {
        h.set("icy-name", config.name());
        h.set("icy-description", config.description());
        h.set("icy-genre", config.genre());
        int kbps = bitrateKbps(0);
        if (kbps > 0) {
            h.set("icy-br", kbps);
        }
        h.set("icy-pub", icyPublic ? "1" : "0");
    }

    /**
     * Up to {@code max} bytes of the burst a new listener would get, from byte {@code offset} of it,
     * for small Range requests; empty when the burst is shorter than {@code offset}.
     */
    public ByteBuf burstBytes(ByteBufAllocator allocator, long offset, int max) {
        long from = stream.burstStart();
        long to = stream.head();
        long available = stream.bytesBetween(from, to);
        int bytes = (int) Math.max(0, Math.min(max, available - offset));
        ByteBuf buf = allocator.buffer(bytes);
        long[] at = {0};
        stream.read(from, to, (data, off, len) -> {
            long start = Math.max(at[0], offset);
            long end = Math.min(at[0] + len, offset + bytes);
            if (end > start) {
                buf.writeBytes(data, off + (int) (start - at[0]), (int) (end - start));
            }
            at[0] += len;
        });
        return buf;
    }

    /** The bitrate of the newest frame, or {@code fallback} before the first. */
    public int bitrateKbps(int fallback) {
        return stream.lastHeader().map(FrameHeader::bitrateKbps).orElse(fallback);
    }

    /**
     * Starts a listener on {@code ch}: writes the head, the burst, and registers it for batches.
     * Runs on the channel's event loop.
     */
    public void join(Channel ch, HttpVersion version, HttpResponseStatus status, HttpHeaders headers,
                     boolean chunked, boolean icy, String userAgent, AccessLog accessLog) {
        ch.write(HttpWire.head(alloc, version, status, headers), ch.voidPromise());
        ListenerSession session = new ListenerSession(this, ch, chunked,
                icy ? new IcyWriter(config.icyMetaIntervalBytes(), this) : null);
        session.start(stream.burstStart(), stream.head());
        LoopListeners group = loops.computeIfAbsent(ch.eventLoop(), loop -> new LoopListeners(stream.head()));
        group.add(session);
        int now = listeners.incrementAndGet();
        peakListeners.accumulateAndGet(now, Math::max);
        metrics.listenerJoined(config.path());
        LOG.debug("{}: listener {} joined, {} listening", config.path(), session.remote, now);
        long id = listenerIds.incrementAndGet();
        clients.put(id, new ListenerInfo(id, ch.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress()), userAgent, System.currentTimeMillis()));
        ch.closeFuture().addListener(f -> {
            clients.remove(id);
            leave(group, session);
            accessLog.end(ch, status.code(), session.bytes);
        });
        if (stream.isEnded()) {
            session.end();
        }
    }

    private void leave(LoopListeners group, ListenerSession session) {
        group.remove(session);
        int now = listeners.decrementAndGet();
        if (now == 0) {
            onMaybeIdle.run();
        }
        if (session.dropped) {
            slowListeners.increment();
        }
        metrics.listenerLeft(config.path(), session.secondsConnected(), session.disconnect());
        LOG.debug("{}: listener {} left after {} s, {} listening", config.path(), session.remote,
                session.secondsConnected(), now);
    }

    void countSent(long bytes) {
        bytesSent.add(bytes);
        metrics.bytesSent(config.path(), bytes);
    }

    @Override
    public void onFrames(LiveStream s, long head) {
        if (s.microsBehind(batchFrom) >= config.batchMillis() * 1000L) {
            dispatch(head);
        }
    }

    @Override
    public void onEnd(LiveStream s) {
        dispatch(s.head());
        for (Map.Entry<EventExecutor, LoopListeners> e : loops.entrySet()) {
            LoopListeners group = e.getValue();
            execute(e.getKey(), group::endAll);
        }
    }

    /**
     * Hands frames up to {@code to} to every loop with listeners. A loop still busy with its previous
     * batch is skipped, and gets the frames it missed merged into its next batch: an overloaded loop
     * sees fewer, larger batches rather than a growing queue of tasks.
     */
    private void dispatch(long to) {
        long from = batchFrom;
        batchFrom = to;
        if (listeners.get() == 0 || from >= to) {
            return;
        }
        Batch shared = null;
        int kbps = bitrateKbps(128);
        try {
            for (Map.Entry<EventExecutor, LoopListeners> e : loops.entrySet()) {
                LoopListeners group = e.getValue();
                if (group.isEmpty()) {
                    continue;
                }
                group.missedTo = to;  // before trying: a loop that ends its delivery after a failed try sees it
                if (!group.tryBeginDelivery()) {
                    continue;
                }
                long groupFrom = Math.max(Math.min(group.nextFrom, from), stream.oldest());
                Batch batch;
                if (groupFrom == from) {
                    shared = shared == null ? Batch.build(alloc, stream, from, to) : shared;
                    batch = shared;
                    batch.retain();
                } else {
                    batch = Batch.build(alloc, stream, groupFrom, to);
                }
                group.nextFrom = to;
                EventExecutor loop = e.getKey();
                if (!execute(loop, () -> deliver(loop, group, batch, kbps))) {
                    group.endDelivery();
                    batch.release();
                }
            }
        } finally {
            if (shared != null) {
                shared.release();
            }
        }
    }

    private void deliver(EventExecutor loop, LoopListeners group, Batch batch, int kbps) {
        // A copy: a delivery may close a channel, and closing removes it from the group.
        deliverSlice(loop, group, batch, Lag.at(stream, batch.from, kbps), group.snapshot(), 0);
    }

    /**
     * Delivers to {@link #SLICE_LISTENERS} listeners, then lets the loop serve its sockets (new
     * listeners, requests) before the next slice: at 10,000 listeners one batch is about 70 ms of
     * writes, which a joining listener would otherwise wait behind. The batch is released, and the
     * group free for the next one, after the last slice.
     */
    private void deliverSlice(EventExecutor loop, LoopListeners group, Batch batch, Lag lag,
                              ListenerSession[] sessions, int from) {
        int to = Math.min(sessions.length, from + SLICE_LISTENERS);
        boolean more = false;
        try {
            for (int i = from; i < to; i++) {
                sessions[i].deliver(batch, lag);
            }
            more = to < sessions.length && schedule(loop, () -> deliverSlice(loop, group, batch, lag, sessions, to));
        } finally {
            if (!more) {
                group.endDelivery();
                batch.release();
                if (group.missedTo > group.nextFrom) {
                    catchUp(loop, group);
                }
            }
        }
    }

    /**
     * On the loop, right after a delivery: the frames the publisher could not hand over while it was
     * busy (it merges them into its next batch, which may be a whole batch away, or never come when
     * the stream pauses) go out now.
     */
    private void catchUp(EventExecutor loop, LoopListeners group) {
        if (!group.tryBeginDelivery()) {
            return;  // the publisher got in first, with those frames
        }
        long to = group.missedTo;
        long from = Math.max(group.nextFrom, stream.oldest());
        if (from >= to || to > stream.head()) {
            group.endDelivery();
            return;
        }
        group.nextFrom = to;
        deliver(loop, group, Batch.build(alloc, stream, from, to), bitrateKbps(128));
    }

    /** Runs {@code task} on {@code loop} after the I/O it has waiting (a task scheduled now waits for that). */
    private static boolean schedule(EventExecutor loop, Runnable task) {
        try {
            loop.schedule(task, 0, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private boolean execute(EventExecutor loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;  // the loop is shutting down with its channels
        }
    }
}
