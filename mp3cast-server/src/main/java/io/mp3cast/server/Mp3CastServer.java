package io.mp3cast.server;

import io.mp3cast.server.http.ConnectionGuard;
import io.mp3cast.server.http.ConnectionTimer;
import io.mp3cast.server.http.ErrorLog;
import io.mp3cast.server.http.HttpRouter;
import io.mp3cast.server.http.ReservedPaths;
import io.mp3cast.server.http.NamedThreads;
import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.http.Transport;
import io.mp3cast.server.ingest.FallbackChains;
import io.mp3cast.server.ingest.IngestContext;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.server.live.MountRegistry;
import io.mp3cast.server.streams.RequestStreams;
import io.mp3cast.server.ops.AccessLog;
import io.mp3cast.server.ops.Drain;
import io.mp3cast.server.ops.Health;
import io.mp3cast.server.ops.LoopLag;
import io.mp3cast.server.ops.Ops;
import io.mp3cast.server.ops.Tally;
import io.mp3cast.server.tls.ReloadingSslContext;
import io.mp3cast.server.tls.TlsSniffer;
import io.mp3cast.server.relay.Relays;
import io.mp3cast.spec.Params;
import io.mp3cast.spec.SourceSpecs;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import io.mp3cast.live.FrameFeed;
import io.mp3cast.source.PacedSource;
import io.mp3cast.live.PacedSourceFeed;
import io.mp3cast.time.Scheduler;
import io.mp3cast.live.push.Pacing;
import io.mp3cast.live.push.Producer;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.pcm.PcmFormat;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mp3cast HTTP server: live mounts (one encoder per mount, shared by all its listeners) and
 * per-request routes (one encoder per request), on Netty.
 *
 * <pre>{@code
 * Mp3CastServer server = Mp3CastServer.builder()
 *         .port(8000)
 *         .mount(MountConfig.of("/radio.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
 *         .route("/tts.mp3", EncoderSettings.cbr(64), request -> myTts.open(request.param("text").orElse("")))
 *         .start();
 * server.mount("/radio.mp3").setTitle("Now playing");
 * }</pre>
 *
 * <p>Threading: {@link Builder} is single-threaded; the running server is thread-safe. Mount
 * feeds run on their own threads, sockets on a few event loops, per-request streams as jobs on the
 * server's scheduler (a thread per core in all), with reads of sources that may block on a bounded
 * pool of reader threads (virtual threads on Java 21+). {@link #close()} stops the feeds, ends the
 * listeners' bodies, closes the per-request streams (their sources and encoders) and the event loops;
 * {@link #drain} stops gracefully first.
 */
public final class Mp3CastServer implements AutoCloseable {
    /** The CPU priority (nice value) of the server's encoding threads, below the event loops'. */
    public static final int DEFAULT_PLAYOUT_NICE = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Mp3CastServer.class);

    private final ServerState state;
    private final ConnectionGuard guard;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    /** TLS's own port, when it has one; else null. */
    private final Channel tlsChannel;
    private final String host;
    private final int port;
    private boolean closed;

    private Mp3CastServer(ServerState state, ConnectionGuard guard, EventLoopGroup group, Channel serverChannel,
                          Channel tlsChannel) {
        this.tlsChannel = tlsChannel;
        this.state = state;
        this.guard = guard;
        this.group = group;
        this.serverChannel = serverChannel;
        InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
        this.host = local.getHostString();
        this.port = local.getPort();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (the one picked when 0 was asked for). */
    public int port() {
        return port;
    }

    /** The port TLS has of its own ({@link TlsSettings#port()}), or {@link #port()} when it shares it or there is none. */
    public int tlsPort() {
        return tlsChannel == null ? port : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    public String host() {
        return host;
    }

    /** The live mount at {@code path}: configured, or created by a producer. */
    public Mount mount(String path) {
        LiveMount m = state.mounts().get(path);
        if (m == null) {
            throw new IllegalArgumentException("mount not found: " + path + " (mounts: " + state.mounts().keySet() + ")");
        }
        return new Mount(m, state.relays());
    }

    /** The live mounts now, in the order they were added (producers add mounts while the server runs). */
    public Collection<Mount> mounts() {
        List<Mount> all = new ArrayList<>();
        state.mounts().values().forEach(m -> all.add(new Mount(m, state.relays())));
        return Collections.unmodifiableList(all);
    }

    /**
     * Pushes PCM in {@code format} into the push mount at {@code path} from this program, as a network
     * producer would: the mount is created if there is none (with the defaults of mounts producers
     * create, and removed once idle), and its buffer holds the writer back ({@link PushWriter}).
     *
     * @throws IllegalArgumentException when {@code path} is a generated mount or cannot be a mount, or
     *                                  the encoder settings cannot encode {@code format}
     * @throws IllegalStateException    when the mount has a producer (and takeover is off), the mount
     *                                  limit is reached, or the server is stopping
     */
    public PushWriter push(String path, PcmFormat format) {
        Objects.requireNonNull(format, "format");
        Producer producer = connect(path);
        try {
            producer.beginPcm(format);
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        return new PushWriter(path, producer, format);
    }

    /** As {@link #push(String, PcmFormat)}, for MP3 passed through frame by frame. */
    public PushWriter pushMp3(String path) {
        Producer producer = connect(path);
        producer.beginMp3();
        return new PushWriter(path, producer, null);
    }

    private Producer connect(String path) {
        MountRegistry.Creation made = state.registry().createForProducer(state.registry().producerMountConfig(path),
                state.ingest().encoderDefaults());
        LiveMount mount = made.mount().orElseThrow(() -> new IllegalStateException(path + ": no mount: "
                + (made.result() == MountRegistry.Created.LIMIT_REACHED
                ? state.registry().maxMounts() + " mounts is the limit" : "the server is stopping")));
        PushFeed feed = mount.push().orElseThrow(() -> new IllegalArgumentException(path
                + ": not a push mount (its audio is generated)"));
        return feed.connect("embedder", Pacing.REAL_TIME, state.ingest().settings().takeover())
                .orElseThrow(() -> new IllegalStateException(path + " already has a producer ("
                        + feed.producer().map(Producer::origin).orElse("another") + "), and takeover is off"));
    }

    /** Connections open now: listeners, sources, requests, idle ones (those being turned away at a cap included). */
    public int openConnections() {
        return guard.open();
    }

    /**
     * A channel with this server's whole pipeline (caps, timeouts, HTTP codec, router) that tests
     * and fuzzers write request bytes into without a socket. Its remote address is not loopback.
     */
    EmbeddedChannel embeddedChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        pipeline(ch, state, guard, null);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException("cannot register an embedded channel", e);
        }
        return ch;
    }

    /**
     * Every connection's handlers, in order: the caps, the timeouts (a TLS handshake counts against
     * the header timeout), TLS if {@code tls} is not null, the HTTP codec, the router.
     */
    private static void pipeline(Channel ch, ServerState state, ConnectionGuard guard, ChannelHandler tls) {
        ch.pipeline().addLast(ConnectionGuard.NAME, guard);
        ch.pipeline().addLast(ConnectionTimer.NAME, new ConnectionTimer(state.limits(), state.errors()));
        if (tls != null) {
            ch.pipeline().addLast(TlsSniffer.NAME, tls);
        }
        ch.pipeline().addLast(HttpRouter.CODEC, new HttpServerCodec());
        ch.pipeline().addLast("router", new HttpRouter(state, guard));
    }

    /** Per-request streams open now. */
    public int openStreams() {
        return state.openStreams().get();
    }

    /**
     * Stops gracefully, within {@code limit}, then {@link #close()}s: stops accepting connections
     * ({@code /readyz} answers 503 at once, new requests on open connections get 503); tells each
     * connected producer to stop (it is read no more, and answered once its mount has played what it
     * pushed); lets push mounts play out their buffers and per-request streams run to their end; then
     * ends every listener's response after the last frame and waits for the bytes to leave. Whatever
     * is still running at the limit is cut by {@link #close()}.
     *
     * @return whether everything finished within the limit (a clean drain)
     */
    public boolean drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (this) {
            if (closed) {
                return false;
            }
            state.ops().health().draining();
            closeListeningSockets();
        }
        LOG.info("mp3cast on port {} draining: at most {} ms", port, limit.toMillis());
        state.relays().closeUpstreams();  // relay mounts' producers, so their feeds can play out and end
        state.ops().channels().forEach(ch -> ch.pipeline().fireUserEventTriggered(Drain.START));
        List<CompletableFuture<Void>> feeds = new ArrayList<>();
        state.mounts().values().forEach(m -> m.push().ifPresent(p -> feeds.add(p.drain())));
        boolean clean = awaitUntil(deadline, () -> feeds.stream().allMatch(CompletableFuture::isDone)
                && state.openStreams().get() == 0);
        state.registry().close();
        state.ops().channels().forEach(ch -> {
            if (ch.pipeline().get(HttpRouter.CODEC) != null && ch.pipeline().get("ingest") == null) {
                ch.close();  // an idle keep-alive connection
            }
        });
        clean &= awaitUntil(deadline, () -> state.ops().channels().isEmpty());
        LOG.info("mp3cast on port {} drained {}", port, clean ? "cleanly" : "until the limit: cutting what is left");
        close();
        return clean;
    }

    private void closeListeningSockets() {
        serverChannel.close().syncUninterruptibly();
        if (tlsChannel != null) {
            tlsChannel.close().syncUninterruptibly();
        }
    }

    private static boolean awaitUntil(long deadlineNanos, java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Stops everything; idempotent. Returns within a few seconds even with stuck listeners. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state.ops().health().draining();
        closeListeningSockets();
        state.relays().close();
        state.registry().close();
        state.streams().closeAll();
        if (state.ownsScheduler()) {
            state.scheduler().close();
        }
        group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        state.ops().accessLog().close();
        LOG.info("mp3cast on port {} stopped", port);
    }

    /** Collects mounts, routes and settings, then {@link #start()}s the server. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8000;
        private String adminPassword;
        private IngestSettings ingest = IngestSettings.DEFAULT;
        private MountConfig mountDefaults = MountConfig.of("/default.mp3");
        private EncoderSettings encoderDefaults = EncoderSettings.DEFAULT;
        private final Map<String, MountPlan> mounts = new LinkedHashMap<>();
        private final Map<String, ServerState.Route> routes = new LinkedHashMap<>();
        private final Map<String, List<RelayTarget>> relayTo = new LinkedHashMap<>();
        private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
        private MasterSettings master = MasterSettings.DEFAULT;
        private Scheduler scheduler;
        private ServerMetrics metrics = ServerMetrics.NONE;
        private int sendBufferBytes = 16 * 1024;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int playoutNice = DEFAULT_PLAYOUT_NICE;
        private int maxOpenStreams = 256;
        private int backlog = 4096;
        private ConnectionLimits limits = ConnectionLimits.DEFAULT;
        private Predicate<String> capExempt = Health::isHealthPath;
        private AccessLog accessLog = AccessLog.OFF;
        private TlsSettings tls;

        /**
         * A mount to start: made at start, when the scheduler and the registry (a push mount's fallback lives there) exist.
         *
         * @param push     whether producers feed it
         * @param fallback a push mount's own fallback path, or null (the ingest settings' one)
         */
        private record MountPlan(MountConfig config, BiFunction<MountRegistry, Scheduler, LiveMount> make, boolean push,
                                 String fallback) {}

        private Builder() {}

        /** The address to bind (default {@code 0.0.0.0}). */
        public Builder host(String newHost) {
            this.host = Objects.requireNonNull(newHost, "host");
            return this;
        }

        /** The port (default 8000); 0 picks a free one, see {@link Mp3CastServer#port()}. */
        public Builder port(int newPort) {
            if (newPort < 0 || newPort > 65535) {
                throw new IllegalArgumentException("port not supported: " + newPort + " (0-65535)");
            }
            this.port = newPort;
            return this;
        }

        /** Password for admin calls (user {@code admin} or {@code source}); without one they all get 401. */
        public Builder adminPassword(String password) {
            this.adminPassword = password;
            return this;
        }

        /** A live mount fed by any feed (the server starts and closes it). */
        public Builder mount(MountConfig config, FrameFeed feed) {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(feed, "feed");
            checkFreePath(config.path());
            mounts.put(config.path(), new MountPlan(config, (registry, s) -> new LiveMount(config, feed, metrics,
                    ByteBufAllocator.DEFAULT), false, null));
            return this;
        }

        /**
         * A live mount fed by sources that push PCM (encoded with {@code encoder}) or MP3 (passed
         * through); see {@link #ingest}. It plays nothing until the first source comes, then
         * silence (or the ingest settings' fallback mount) whenever none is connected.
         */
        public Builder pushMount(MountConfig config, EncoderSettings encoder) {
            return pushMount(config, encoder, null);
        }

        /** As {@link #pushMount(MountConfig, EncoderSettings)}, relaying {@code fallbackPath} while no source plays (null: the ingest settings' fallback). */
        public Builder pushMount(MountConfig config, EncoderSettings encoder, String fallbackPath) {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(encoder, "encoder");
            checkFreePath(config.path());
            if (fallbackPath != null) {
                MountConfig.of(fallbackPath);  // validates the path
            }
            mounts.put(config.path(), new MountPlan(config, (registry, s) -> registry.newPushMount(config, encoder,
                    fallbackPath != null ? fallbackPath : ingest.fallbackMount()), true, fallbackPath));
            return this;
        }

        /**
         * A relay mount: a push mount whose producer pulls {@code upstream} (an Icecast mount, another
         * mp3cast, any HTTP or HTTPS MP3 stream), following redirects, reconnecting with backoff; while
         * it is gone, listeners hear silence, or {@code fallbackPath} (null: the ingest settings'
         * fallback). ICY titles from the upstream become the mount's title. An {@code https} upstream's
         * certificate is verified ({@link Upstream#caFile()}); a {@code ca} file that does not load
         * fails {@link #start()}.
         */
        public Builder relayMount(MountConfig config, Upstream upstream, String fallbackPath) {
            Objects.requireNonNull(upstream, "upstream");
            pushMount(config, encoderDefaults, fallbackPath);
            upstreams.put(config.path(), upstream);
            return this;
        }

        /**
         * Pushes the mount at {@code path} (configured on this builder, before or after this call) out to
         * an Icecast as its source, reconnecting with backoff from 1 s to 30 s; see
         * {@link io.mp3cast.server.relay.IcecastSource}. Repeatable, one call per target.
         */
        public Builder relayTo(String path, RelayTarget target) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(target, "target");
            List<RelayTarget> targets = relayTo.computeIfAbsent(path, p -> new ArrayList<>());
            if (targets.stream().anyMatch(t -> t.host().equals(target.host()) && t.port() == target.port()
                    && t.mount().equals(target.mount()))) {
                throw new IllegalArgumentException("relayTo: " + path + " already relays to " + target.display());
            }
            targets.add(target);
            return this;
        }

        /** Who may read {@code /admin/streamlist.txt}, the mount list Icecast slaves relay. */
        public Builder master(MasterSettings settings) {
            this.master = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** How sources push: password, mount creation, takeover, buffer, fallback, limits. */
        public Builder ingest(IngestSettings settings) {
            this.ingest = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Listener settings (burst, queue, batch, ICY interval) of mounts that sources create; the path is ignored. */
        public Builder mountDefaults(MountConfig defaults) {
            this.mountDefaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /** How mounts that sources create encode pushed PCM (a source's {@code ?bitrate=} overrides it). */
        public Builder encoderDefaults(EncoderSettings settings) {
            this.encoderDefaults = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** A live mount fed by {@code source}, paced to real time and encoded once for all listeners. */
        public Builder mount(MountConfig config, AudioSource source, EncoderSettings settings) {
            return mount(config, source, settings, source.getClass().getSimpleName());
        }

        /** As {@link #mount(MountConfig, AudioSource, EncoderSettings)}, with a description for status pages. */
        public Builder mount(MountConfig config, AudioSource source, EncoderSettings settings, String description) {
            return mount(config, source, settings, description, false);
        }

        /**
         * As {@link #mount(MountConfig, AudioSource, EncoderSettings, String)}; with {@code onDemand}
         * the mount stands by, reading and encoding nothing, once it has had no listener, no HLS
         * client, no relay-to target and no push mount relaying it as a fallback for 10 s, and goes on where it stood when one comes (see
         * {@link PacedSourceFeed}). For sources whose audio is a function of time alone, such as
         * the built-in generators; not for a file played as radio.
         */
        public Builder mount(MountConfig config, AudioSource source, EncoderSettings settings, String description,
                             boolean onDemand) {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(description, "description");
            checkFreePath(config.path());
            settings.effectiveBitrateKbps(source.format());  // a bad bitrate fails here, not at start
            int stepMillis = Math.max(PacedSourceFeed.STEP_MILLIS, Math.min(config.batchMillis(), 100));
            mounts.put(config.path(), new MountPlan(config, (registry, s) -> new LiveMount(config,
                    new PacedSourceFeed(source, settings, s, description, stepMillis, onDemand), metrics,
                    ByteBufAllocator.DEFAULT),
                    false, null));
            return this;
        }

        /** A per-request route: each GET gets its own source from {@code factory}, encoded with {@code settings}. */
        public Builder route(String path, EncoderSettings settings, StreamRoute factory) {
            MountConfig.of(path);  // validates the path
            checkFreePath(path);
            routes.put(path, new ServerState.Route(path, Objects.requireNonNull(factory, "factory"),
                    Objects.requireNonNull(settings, "settings"), false));
            return this;
        }

        /**
         * The demo routes: {@code /tone.mp3?hz=440&seconds=5&rate=24000}, {@code /noise.mp3},
         * {@code /chirp.mp3?from=200&to=2000&period=5}, {@code /silence.mp3}; each takes
         * {@code seconds} (default 10, at most 3600), {@code rate}, {@code channels}, {@code bitrate}, and
         * {@code pace}: {@code none} (the default: sent as fast as it is encoded) or {@code realtime} (the
         * source is paced like a live producer by the server's scheduler, see {@link PacedSource}),
         * {@code step-ms}: a paced source's largest step, and {@code burst-ms}: as on a live mount, the
         * audio a paced stream sends at once (its producer has that much ready when asked, as a
         * synthesizer with its first words made, and stays that far ahead; default 0). Their sources
         * never block: a stream costs no thread between its steps.
         */
        public Builder demoRoutes() {
            for (String name : List.of("tone", "noise", "chirp", "silence")) {
                String path = "/" + name + ".mp3";
                if (!mounts.containsKey(path) && !routes.containsKey(path)) {
                    routes.put(path, new ServerState.Route(path, req -> demo(name, req), EncoderSettings.DEFAULT, true));
                }
            }
            return this;
        }

        /**
         * The scheduler that runs the server's paced work: mounts' play-out and encoding, per-request
         * streams (tests pass {@link Scheduler#manual()}). Default: one the server makes, with a thread
         * per core, and closes when it stops; one given here is not closed by the server.
         */
        public Builder scheduler(Scheduler newScheduler) {
            this.scheduler = Objects.requireNonNull(newScheduler, "scheduler");
            return this;
        }

        public Builder metrics(ServerMetrics newMetrics) {
            this.metrics = Objects.requireNonNull(newMetrics, "metrics");
            return this;
        }

        /**
         * The socket send buffer per connection (default 16 KiB). Small, so that a stalled reader shows
         * up as an unwritable channel within seconds; 0 leaves the kernel's auto-tuning (up to MBs).
         */
        public Builder sendBufferBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("sendBufferBytes not supported: " + bytes + " (>= 0)");
            }
            this.sendBufferBytes = bytes;
            return this;
        }

        /** Timeouts for every connection state and caps on connections (default {@link ConnectionLimits#DEFAULT}). */
        public Builder limits(ConnectionLimits newLimits) {
            this.limits = Objects.requireNonNull(newLimits, "limits");
            return this;
        }

        /**
         * Paths still answered past the connection caps ({@link ConnectionLimits}): by default the
         * health checks ({@code /healthz}, {@code /readyz}) a load balancer polls. A connection past a
         * cap is read as far as its request head (at most 64 such at once) and served if its path is
         * exempt, else answered 503; with {@code path -> false} a connection past a cap is answered
         * 503 before anything is read.
         */
        public Builder connectionCapExemption(Predicate<String> paths) {
            this.capExempt = Objects.requireNonNull(paths, "paths");
            return this;
        }

        /**
         * The CPU priority (Linux nice value, 0-19) of the threads the server makes for its scheduler,
         * where encoding runs: default {@value Mp3CastServer#DEFAULT_PLAYOUT_NICE}, below the network event loops (nice
         * 0), so a busy encoder never keeps a loop waiting for a core (0: the same priority). Ignored
         * with {@link #scheduler(Scheduler)} and where the OS has no per-thread priority.
         */
        public Builder playoutNice(int nice) {
            if (nice < 0 || nice > 19) {
                throw new IllegalArgumentException("playoutNice not supported: " + nice + " (0-19)");
            }
            this.playoutNice = nice;
            return this;
        }

        /** Event loop threads (default half the cores, at least one: fan-out is cheapest on few loops). */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads not supported: " + threads + " (>= 1)");
            }
            this.ioThreads = threads;
            return this;
        }

        /** Per-request streams allowed at once (default 256); more get 503. */
        public Builder maxOpenStreams(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxOpenStreams not supported: " + n + " (>= 1)");
            }
            this.maxOpenStreams = n;
            return this;
        }

        /** An access log (Icecast's combined format) appended to {@code fileOrDash}, or standard output for {@code -}. */
        public Builder accessLog(String fileOrDash) {
            this.accessLog = AccessLog.open(Objects.requireNonNull(fileOrDash, "fileOrDash"));
            return this;
        }

        /** An access log written to {@code out} (left open when the server stops). */
        public Builder accessLog(OutputStream out) {
            this.accessLog = AccessLog.to(Objects.requireNonNull(out, "out"), false);
            return this;
        }

        /** HTTPS and WSS, on the server's port beside plain HTTP or on a port of their own. */
        public Builder tls(TlsSettings settings) {
            this.tls = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Binds, starts the mounts' feeds, and returns the running server. */
        public Mp3CastServer start() throws IOException {
            if (mounts.size() > ingest.maxMounts()) {
                throw new IllegalArgumentException("maxMounts not supported: " + ingest.maxMounts() + " (fewer than the "
                        + mounts.size() + " mounts configured)");
            }
            for (String path : relayTo.keySet()) {
                if (!mounts.containsKey(path)) {
                    throw new IllegalArgumentException("relayTo: no mount at " + path + " (mounts: " + mounts.keySet() + ")");
                }
            }
            Relays relays = new Relays(relayTo, upstreams);
            FallbackChains fallbacks = fallbackChains();
            fallbacks.checkConfigured();
            boolean ownScheduler = scheduler == null;
            Scheduler playout = ownScheduler
                    ? Scheduler.system("mp3cast-playout", Runtime.getRuntime().availableProcessors(), playoutNice)
                    : scheduler;
            IngestContext ingestContext = new IngestContext(ingest, mountDefaults, encoderDefaults, fallbacks);
            MountRegistry registry = new MountRegistry(ingestContext, playout, metrics);
            ServerMetrics hooks = metrics;
            registry.onChange(added -> hooks.mountAdded(new Mount(added, relays)),
                    gone -> hooks.mountRemoved(new Mount(gone, relays)));
            mounts.forEach((path, plan) -> registry.add(path, () -> plan.make().apply(registry, playout)));
            Map<String, LiveMount> live = registry.snapshot();
            ingest.fallback().filter(f -> !live.containsKey(f)).ifPresent(f -> LOG.warn(
                    "fallback mount {} is not configured: push mounts play silence until a producer creates it", f));
            RequestStreams streams = new RequestStreams(playout, RequestStreams.readerPool(maxOpenStreams));
            ErrorLog errors = new ErrorLog(metrics);
            ServerState state = new ServerState(registry, Collections.unmodifiableMap(new LinkedHashMap<>(routes)),
                    adminPassword, maxOpenStreams, streams, new AtomicInteger(), metrics, System.currentTimeMillis(),
                    ingestContext, playout, ownScheduler,
                    new Ops(new Health(), accessLog, new DefaultChannelGroup("mp3cast", GlobalEventExecutor.INSTANCE),
                            new Tally()), new Hls(metrics), limits, errors,
                    relays, master);
            ConnectionGuard guard = new ConnectionGuard(limits, capExempt, errors);
            ReloadingSslContext ssl = tls == null ? null : ReloadingSslContext.load(tls);
            Transport transport = Transport.best();
            EventLoopGroup group = transport.group(ioThreads);
            Channel channel;
            Channel tlsChannel = null;
            try {
                channel = bootstrap(transport, group, state, guard, tls == null || tls.ownPort() ? null
                        : ch -> new TlsSniffer(ssl)).bind(host, port).syncUninterruptibly().channel();
                if (tls != null && tls.ownPort()) {
                    tlsChannel = bootstrap(transport, group, state, guard, ch -> ssl.current().newHandler(ch.alloc()))
                            .bind(host, tls.port()).syncUninterruptibly().channel();
                }
            } catch (Exception e) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                streams.closeAll();
                if (ownScheduler) {
                    playout.close();
                }
                live.values().forEach(m -> m.feed().close());
                throw new IOException("cannot listen on " + host + ":" + port + (tls != null && tls.ownPort()
                        ? " and " + tls.port() + " (TLS)" : "") + ": " + e.getMessage(), e);
            }
            registry.start();
            routes.keySet().forEach(metrics::routeAdded);
            state.ops().health().started(group);
            LoopLag.start(group, metrics);
            state.relays().start(live, group, transport.socketChannel());
            Mp3CastServer server = new Mp3CastServer(state, guard, group, channel, tlsChannel);
            LOG.info("mp3cast listening on {}://{}:{}/{} ({}, {} io threads); mounts {}, routes {}",
                    tls == null ? "http" : tls.ownPort() ? "http" : "http(s)", host, server.port(),
                    tls != null && tls.ownPort() ? " and https://" + host + ":" + server.tlsPort() + "/" : "",
                    transport.name().toLowerCase(), ioThreads, live.keySet(), routes.keySet());
            return server;
        }

        /** The push mounts configured here and the fallback each relays; those sources create relay the ingest one. */
        private FallbackChains fallbackChains() {
            Map<String, String> configured = new LinkedHashMap<>();
            mounts.forEach((path, plan) -> {
                if (plan.push()) {
                    configured.put(path, plan.fallback());
                }
            });
            return new FallbackChains(configured, ingest.fallbackMount());
        }

        /** A listening socket's bootstrap; {@code first}, if not null, makes each connection's TLS handler. */
        private ServerBootstrap bootstrap(Transport transport, EventLoopGroup group, ServerState state, ConnectionGuard guard,
                                          Function<Channel, ChannelHandler> first) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            state.ops().channels().add(ch);
                            state.ops().tally().connections.increment();
                            pipeline(ch, state, guard, first == null ? null : first.apply(ch));
                        }
                    });
            if (sendBufferBytes > 0) {
                b.childOption(ChannelOption.SO_SNDBUF, sendBufferBytes);
            }
            return b;
        }

        private void checkFreePath(String path) {
            if (mounts.containsKey(path) || routes.containsKey(path)) {
                throw new IllegalArgumentException("path already taken: " + path);
            }
            if (ReservedPaths.isReserved(path)) {
                throw new IllegalArgumentException("path reserved: " + path);
            }
        }

        private static AudioSource demo(String name, StreamRequest req) {
            Params p = new Params(firstValues(req));
            double seconds = p.decimal("seconds", 10, 0, 3600);
            String pace = p.string("pace", "none");
            if (!pace.equals("none") && !pace.equals("realtime")) {
                throw new IllegalArgumentException("pace: '" + pace + "' not supported (none, realtime)");
            }
            int stepMillis = p.integer("step-ms", PacedSource.STEP_MILLIS, PacedSource.FIRST_STEP_MILLIS, 1000);
            // As a live mount's burst: the paced producer has that much ready when asked, and stays that far ahead.
            int leadMillis = p.integer("burst-ms", 0, 0, PacedSource.MAX_LEAD_MILLIS);
            AudioSource source = AudioSources.limit(SourceSpecs.create(name, p).source(), seconds);
            return pace.equals("realtime")
                    ? new PacedSource(source, req.clock(), PacedSource.FIRST_STEP_MILLIS, stepMillis, leadMillis)
                    : source;
        }

        private static Map<String, String> firstValues(StreamRequest req) {
            Map<String, String> m = new LinkedHashMap<>();
            req.query().forEach((k, v) -> {
                if (!v.isEmpty()) {
                    m.put(k, v.get(0));
                }
            });
            return m;
        }
    }
}
