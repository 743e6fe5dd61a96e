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
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live mount's fan-out: one {@link LiveStream} fed by one {@link FrameFeed}, sent to all its
 * listeners in batches.
 *
 * <p><b>Threading.</b> The feed's thread publishes frames; this class, observing the stream on
 * that thread, gathers {@link MountConfig#batchMillis()} of audio, copies it once into a shared
 * {@link Batch} and hands one task per event loop to the loops that hold listeners; a loop writes
 * it to its listeners in slices, serving its sockets in between (see {@link Fanout}). Each listener
 * is touched only on its own channel's event loop, so per-listener state needs no lock; the feed
 * thread never waits for a loop and a loop never waits for the feed.
 *
 * <p><b>Bursts and low-latency listeners.</b> A new listener gets the mount's burst
 * ({@link MountConfig#burstMillis()}, at least {@link LiveStreamSettings#BROWSER_START_BYTES} so a
 * browser's {@code <audio>} starts at once), or the burst it asks for ({@code ?burst-ms=N}: the
 * newest N ms, whole frames, no byte floor). A listener that asks for at most
 * {@link #LOW_LATENCY_BURST_MILLIS} holds little audio, and a batch's wait would eat into it: it
 * gets every frame as it is published instead, at the cost of one write per frame (about four
 * times a batched listener's CPU at the default 100 ms batches); while it listens, the mount's feed
 * publishes every frame as soon as it may rather than a batch's worth at a time
 * ({@link FrameFeed#publishEveryFrame}).
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
    /** A listener asking for a burst of at most this many milliseconds gets every frame as it is published. */
    public static final int LOW_LATENCY_BURST_MILLIS = 1000;

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
    private final Fanout batched;
    private final Fanout immediate;
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
    /** Until when (System.nanoTime) HLS clients count as wanting the frames: a while after their last request. */
    private volatile long hlsWantedUntilNanos = System.nanoTime();
    /** Consumers other than listeners and HLS clients that want every frame (relay-to targets). */
    private final AtomicInteger keepers = new AtomicInteger();
    /** Whether other mounts may relay this one (it is their fallback): set by the registry. */
    private volatile BooleanSupplier fallbackOfOthers = () -> false;
    /** HLS clients want the frames for this long after a playlist or segment request. */
    static final long HLS_DEMAND_NANOS = TimeUnit.SECONDS.toNanos(60);

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
        this.batched = new Fanout(this, () -> this.config.batchMillis());
        this.immediate = new Fanout(this, () -> 0);
        stream.addObserver(this);
        feed.demand(this::wanted);
    }

    /**
     * Whether anyone wants the frames now: a listener, an HLS client lately, a relay-to target, a push
     * mount whose fallback this is. An on-demand feed (a generated mount, a relay) stands by while no
     * one has for a while.
     */
    public boolean wanted() {
        return listeners.get() > 0 || keepers.get() > 0 || System.nanoTime() - hlsWantedUntilNanos < 0
                || fallbackOfOthers.getAsBoolean();
    }

    /**
     * Set by the registry: whether some push mount names this one as its fallback, so relays it
     * whenever its producer is away; such a mount never stands by. Call {@link #demandMayHaveChanged}
     * when the answer may have turned to yes.
     */
    public void fallbackOfOthers(BooleanSupplier others) {
        fallbackOfOthers = Objects.requireNonNull(others, "others");
    }

    /** Someone may want the frames now: a standing-by feed looks again. */
    public void demandMayHaveChanged() {
        feed.demandChanged();
    }

    /** An HLS client asked for this mount's playlist or a segment: it wants the frames for a while. */
    public void hlsRequested() {
        long now = System.nanoTime();
        boolean lapsed = now - hlsWantedUntilNanos >= 0;
        hlsWantedUntilNanos = now + HLS_DEMAND_NANOS;
        if (lapsed) {
            feed.demandChanged();
        }
    }

    /**
     * A consumer that wants every frame for as long as it is there (a relay-to target pushing the
     * mount elsewhere) came ({@code true}) or went: an on-demand feed never stands by while one is.
     */
    public void keepRunning(boolean on) {
        if (on ? keepers.incrementAndGet() == 1 : keepers.decrementAndGet() == 0) {
            feed.demandChanged();
        }
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

    /** The most a listener may ask for with {@code ?burst-ms=N}: what the stream keeps. */
    public int maxBurstMillis() {
        return stream.settings().retainMillis();
    }

    /**
     * Starts a listener on {@code ch}: writes the head, the burst (the mount's, or
     * {@code burstMillis} when the listener asked for its own), and registers it for batches, or for
     * every frame when it asked for at most {@link #LOW_LATENCY_BURST_MILLIS}. Runs on the channel's
     * event loop.
     *
     * @throws IllegalArgumentException when {@code burstMillis} is over {@link #maxBurstMillis()}
     */
    public void join(Channel ch, HttpVersion version, HttpResponseStatus status, HttpHeaders headers,
                     boolean chunked, boolean icy, OptionalInt burstMillis, String userAgent, AccessLog accessLog) {
        if (burstMillis.isPresent() && (burstMillis.getAsInt() < 0 || burstMillis.getAsInt() > maxBurstMillis())) {
            throw new IllegalArgumentException("burst-ms: " + burstMillis.getAsInt() + " out of range (0-"
                    + maxBurstMillis() + ")");
        }
        ch.write(HttpWire.head(alloc, version, status, headers), ch.voidPromise());
        ListenerSession session = new ListenerSession(this, ch, chunked,
                icy ? new IcyWriter(config.icyMetaIntervalBytes(), this) : null);
        long from = burstMillis.isPresent() ? stream.startBefore(burstMillis.getAsInt() * 1000L) : stream.burstStart();
        session.start(from, stream.head());
        Fanout fanout = burstMillis.isPresent() && burstMillis.getAsInt() <= LOW_LATENCY_BURST_MILLIS ? immediate : batched;
        LoopListeners group = fanout.add(session, ch.eventLoop());
        if (fanout == immediate) {
            lowLatencyChanged();
        }
        int now = listeners.incrementAndGet();
        if (now == 1) {
            feed.demandChanged();
        }
        peakListeners.accumulateAndGet(now, Math::max);
        metrics.listenerJoined(config.path());
        LOG.debug("{}: listener {} joined{}, {} listening", config.path(), session.remote,
                fanout == immediate ? " (every frame)" : "", now);
        long id = listenerIds.incrementAndGet();
        clients.put(id, new ListenerInfo(id, ch.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress()), userAgent, System.currentTimeMillis()));
        ch.closeFuture().addListener(f -> {
            clients.remove(id);
            leave(fanout, group, session);
            accessLog.end(ch, status.code(), session.bytes);
        });
        if (stream.isEnded()) {
            session.end();
        }
    }

    /**
     * The feed publishes every frame as soon as it may while low-latency listeners listen (a step's
     * wait would be their delay). Synchronized: the last call reads the last count.
     */
    private synchronized void lowLatencyChanged() {
        feed.publishEveryFrame(immediate.size() > 0);
    }

    /** Listeners that get every frame as it is published (they asked for a small burst). */
    public int lowLatencyListeners() {
        return immediate.size();
    }

    private void leave(Fanout fanout, LoopListeners group, ListenerSession session) {
        fanout.remove(group, session);
        if (fanout == immediate) {
            lowLatencyChanged();
        }
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
        immediate.onFrames(head);
        batched.onFrames(head);
    }

    @Override
    public void onEnd(LiveStream s) {
        immediate.onEnd(s.head());
        batched.onEnd(s.head());
    }
}
