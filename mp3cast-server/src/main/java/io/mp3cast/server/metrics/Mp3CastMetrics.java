package io.mp3cast.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mp3cast.live.FeedState;
import io.mp3cast.mp3.EncoderCpu;
import io.mp3cast.server.Mount;
import io.mp3cast.server.ServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The server's metrics in Micrometer: a {@link ServerMetrics} to give the server's builder, and a
 * {@link MeterBinder} for the registries it reports to. Every meter is named under {@code mp3cast.}
 * (the README lists them with their types); per mount the tag is {@code mount} (its path), per
 * per-request route {@code route}; no meter carries a client's address.
 *
 * <pre>{@code
 * Mp3CastMetrics metrics = new Mp3CastMetrics();
 * metrics.bindTo(myRegistry);                       // any registry, as many as wanted
 * Mp3CastServer.builder().metrics(metrics)...start();
 * // or, for /metrics in Prometheus's format with the JVM and process meters:
 * Mp3CastServer.builder().metrics(Mp3CastMetrics.prometheus())...start();
 * }</pre>
 *
 * <p>This class (and this package) is the only code that touches Micrometer: without Micrometer on
 * the classpath the server runs with {@link ServerMetrics#NONE}. Threading: hooks are called from
 * event loops, feed and stream threads; meters are created once per mount and route, then found in
 * a concurrent map.
 */
public final class Mp3CastMetrics implements ServerMetrics, MeterBinder {
    /** Buckets of the time-to-first-byte histogram. */
    static final Duration[] FIRST_BYTE_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Values of the {@code state} tag of {@code mp3cast.playout.state}. */
    static final List<String> PLAYOUT_STATES = List.of("live", "silence", "fallback", "idle", "relay", "standby");

    /** A scrape this recent keeps the loop-lag sampling at its fast rate. */
    private static final long WATCHED_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Map<String, MountMeters> mounts = new ConcurrentHashMap<>();
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> sourceRefusals = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> httpErrors = new ConcurrentHashMap<>();
    /** The worst event-loop lag since the last scrape read it. */
    private final AtomicLong worstLoopLagNanos = new AtomicLong();
    /** When a scrape last read the loop lag ({@code System.nanoTime}); far in the past at first. */
    private volatile long loopLagReadNanos = System.nanoTime() - 2 * WATCHED_NANOS;
    private volatile Supplier<String> prometheus;

    public Mp3CastMetrics() {
        EncoderCpu.enable();
        FunctionCounter.builder("mp3cast.encoder.cpu", this, m -> EncoderCpu.totalNanos() / 1e9)
                .description("CPU time spent in the MP3 encoder (LAME), all mounts and streams").baseUnit("seconds")
                .register(registry);
        TimeGauge.builder("mp3cast.event.loop.lag", this, TimeUnit.NANOSECONDS, Mp3CastMetrics::readLoopLag).strongReference(true)
                .description("Worst delay of a task on any event loop since the previous scrape (sampled every 100 ms "
                        + "while scraped, every second when not scraped for two minutes)")
                .register(registry);
    }

    /**
     * Metrics with a Prometheus registry of their own, which {@code GET /metrics} serves, and the
     * JVM (memory, GC, threads, classes) and process (CPU, uptime, open files) meters.
     */
    public static Mp3CastMetrics prometheus() {
        PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()).forEach(b -> b.bindTo(prom));
        Mp3CastMetrics metrics = new Mp3CastMetrics();
        metrics.bindTo(prom);
        metrics.prometheus = prom::scrape;
        return metrics;
    }

    /** Reports to {@code meterRegistry} too, with every meter made so far and later. */
    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        registry.add(meterRegistry);
    }

    @Override
    public Optional<String> prometheusText() {
        Supplier<String> p = prometheus;
        return p == null ? Optional.empty() : Optional.of(p.get());
    }

    // ---- mounts

    @Override
    public void mountAdded(Mount mount) {
        mounts.computeIfAbsent(mount.path(), path -> new MountMeters(mount));
    }

    @Override
    public void mountRemoved(Mount mount) {
        MountMeters m = mounts.remove(mount.path());
        if (m != null) {
            m.meters.forEach(registry::remove);
        }
    }

    @Override
    public void hlsPlaylistServed(String mount) {
        hlsServed(mount, "playlist");
    }

    @Override
    public void hlsSegmentServed(String mount, long sequence) {
        hlsServed(mount, "segment");
    }

    @Override
    public void hlsPartServed(String mount) {
        hlsServed(mount, "part");
    }

    private void hlsServed(String mount, String kind) {
        MountMeters m = mounts.get(mount);
        if (m != null) {
            m.hlsServed.get(kind).increment();
        }
    }

    @Override
    public void listenerJoined(String mount) {
        MountMeters m = mounts.get(mount);
        if (m != null) {
            m.connects.increment();
        }
    }

    @Override
    public void listenerLeft(String mount, long seconds, Disconnect reason) {
        MountMeters m = mounts.get(mount);
        if (m != null) {
            m.disconnects.get(reason).increment();
        }
    }

    @Override
    public void producerConnected(String mount) {
        MountMeters m = mounts.get(mount);
        if (m != null) {
            m.producerConnects.increment();
        }
    }

    @Override
    public void producerReceived(String mount, long bytes, double audioSeconds) {
        MountMeters m = mounts.get(mount);
        if (m != null) {
            m.receivedBytes.increment(bytes);
            m.receivedSeconds.increment(audioSeconds);
        }
    }

    // ---- per-request routes

    @Override
    public void routeAdded(String route) {
        route(route);
    }

    @Override
    public void streamOpened(String route) {
        RouteMeters r = route(route);
        r.open.incrementAndGet();
        r.started.increment();
    }

    @Override
    public void streamClosed(String route, long bytes) {
        route(route).open.decrementAndGet();
    }

    @Override
    public void streamRefused(String route) {
        route(route).refused.increment();
    }

    @Override
    public void streamFailed(String route) {
        route(route).failed.increment();
    }

    @Override
    public void streamFirstByte(String route, long nanos) {
        route(route).firstByte.record(nanos, TimeUnit.NANOSECONDS);
    }

    private RouteMeters route(String route) {
        return routes.computeIfAbsent(route, RouteMeters::new);
    }

    // ---- server-wide

    @Override
    public void producerRefused(int status) {
        sourceRefusals.computeIfAbsent(status, s -> Counter.builder("mp3cast.ingest.refused")
                .description("Producers refused or cut, by HTTP status (401 credentials, 403 mount taken or limit,"
                        + " 400 bad format, 413 too large, 429 too many)")
                .tag("status", String.valueOf(s)).register(registry)).increment();
    }

    @Override
    public void requestRejected(int status) {
        httpErrors.computeIfAbsent(status, s -> Counter.builder("mp3cast.http.errors")
                .description("Requests answered with an error status").tag("status", String.valueOf(s))
                .register(registry)).increment();
    }

    @Override
    public boolean wantsEventLoopLag() {
        return true;
    }

    @Override
    public boolean eventLoopLagWatched() {
        return System.nanoTime() - loopLagReadNanos < WATCHED_NANOS;
    }

    private double readLoopLag() {
        loopLagReadNanos = System.nanoTime();
        return worstLoopLagNanos.getAndSet(0);
    }

    @Override
    public void eventLoopLag(long nanos) {
        worstLoopLagNanos.accumulateAndGet(nanos, Math::max);
    }

    /** A mount's state as the {@code state} tag names it. */
    static String playoutState(Mount mount) {
        if (mount.playoutState().isPresent()) {
            return mount.playoutState().get().name().toLowerCase(Locale.ROOT);
        }
        if (mount.feedState() == FeedState.STANDBY) {
            return "standby";
        }
        if (mount.feedState() != FeedState.RUNNING) {
            return "idle";
        }
        // A relay feed (pulling another server's stream) describes itself starting with "relay".
        return mount.feedDescription().toLowerCase(Locale.ROOT).startsWith("relay") ? "relay" : "live";
    }

    /** The meters of one mount, made when it is added and removed with it. */
    private final class MountMeters {
        final List<Meter> meters = new ArrayList<>();
        /** Held here: function meters keep only a weak reference. */
        final Mount mount;
        final Counter connects;
        final Map<Disconnect, Counter> disconnects = new ConcurrentHashMap<>();
        final Counter producerConnects;
        final Counter receivedBytes;
        final Counter receivedSeconds;
        final Map<String, Counter> hlsServed = new HashMap<>();

        MountMeters(Mount mount) {
            this.mount = mount;
            Tags tags = Tags.of("mount", mount.path());
            add(Gauge.builder("mp3cast.listeners", mount, Mount::listeners).strongReference(true).tags(tags)
                    .description("Listeners connected now").register(registry));
            connects = add(Counter.builder("mp3cast.listener.connects").tags(tags)
                    .description("Listeners that connected").register(registry));
            for (Disconnect d : Disconnect.values()) {
                disconnects.put(d, add(Counter.builder("mp3cast.listener.disconnects").tags(tags)
                        .tag("reason", d.name().toLowerCase(Locale.ROOT))
                        .description("Listeners that left: client (it closed), slow (dropped for falling behind),"
                                + " stop (the mount or server ended the response)").register(registry)));
            }
            add(FunctionCounter.builder("mp3cast.listener.sent", mount, Mount::bytesSent).tags(tags).baseUnit("bytes")
                    .description("Audio bytes written to listeners").register(registry));
            for (String state : PLAYOUT_STATES) {
                add(Gauge.builder("mp3cast.playout.state", mount, m -> state.equals(playoutState(m)) ? 1 : 0).strongReference(true)
                        .tags(tags).tag("state", state)
                        .description("1 for what the mount plays (live, silence, fallback, idle, relay, standby), 0 for the others").register(registry));
            }
            producerConnects = add(Counter.builder("mp3cast.producer.connects").tags(tags)
                    .description("Producers that started pushing").register(registry));
            receivedBytes = add(Counter.builder("mp3cast.producer.received").tags(tags).baseUnit("bytes")
                    .description("Bytes read from producers").register(registry));
            receivedSeconds = add(Counter.builder("mp3cast.producer.audio").tags(tags).baseUnit("seconds")
                    .description("Seconds of audio read from producers").register(registry));
            for (String kind : List.of("playlist", "segment", "part")) {
                hlsServed.put(kind, add(Counter.builder("mp3cast.hls.served").tags(tags).tag("kind", kind)
                        .description("HLS requests answered: playlists, segments, low-latency parts").register(registry)));
            }
            add(TimeGauge.builder("mp3cast.playout.buffer", mount,
                            TimeUnit.MILLISECONDS, Mount::bufferedMillis)
                    .strongReference(true).tags(tags).description("Pushed audio buffered ahead of the stream").register(registry));
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }
    }

    /** The meters of one per-request route, made at its first stream. */
    private final class RouteMeters {
        final AtomicInteger open = new AtomicInteger();
        final Counter started;
        final Counter refused;
        final Counter failed;
        final Timer firstByte;

        RouteMeters(String route) {
            Tags tags = Tags.of("route", route);
            Gauge.builder("mp3cast.streams.open", open, AtomicInteger::get).strongReference(true).tags(tags)
                    .description("Per-request streams open now").register(registry);
            started = Counter.builder("mp3cast.streams.started").tags(tags)
                    .description("Per-request streams started").register(registry);
            refused = Counter.builder("mp3cast.streams.refused").tags(tags)
                    .description("Per-request streams refused with 503 (max-streams reached)").register(registry);
            failed = Counter.builder("mp3cast.streams.failed").tags(tags)
                    .description("Per-request streams cut because their source or encoder failed").register(registry);
            firstByte = Timer.builder("mp3cast.stream.first.byte").tags(tags).serviceLevelObjectives(FIRST_BYTE_BUCKETS)
                    .description("Time from a request to its first audio byte").register(registry);
        }
    }
}
