package io.mp3cast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The listener load generator: N concurrent listeners of one URL on 127.0.0.1, each checking that
 * it receives audio at least at real time, with its lag and time to first byte and first whole frame.
 *
 * <p>Two modes. {@code live} (the default): connect {@code --listeners} listeners (at most
 * {@code --rate} connects a second, at most {@code --connecting} waiting for their first frame),
 * let them settle, then measure over {@code --seconds}: lag, the server's CPU and RSS (with
 * {@code --server-pid}), its heap after a full GC (with {@code --heap}, through jcmd). A listener
 * is <em>held</em> when it is still connected at the end and its lag never passed
 * {@code --max-lag-ms}. {@code requests}: {@code --rounds} rounds of {@code --concurrency}
 * requests started at once, each kept {@code --hold-ms} after its first frame; for time to first
 * byte and frame of per-request streams or of joining a mount. With {@code --upstream-pid}, the live
 * mode also measures that process's CPU and RSS, idle and over the window: the mp3cast that feeds an
 * Icecast under load.
 *
 * <p>Bounded: every run stops by itself ({@code --timeout}, default: its phases plus a minute),
 * connects only to 127.0.0.1, and resets its connections on close. Prints a summary and, with
 * {@code --json FILE}, appends one JSON line of results.
 */
public final class ListenerLoad {
    private ListenerLoad() {}

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Watchdog.start("listener-load", a.timeoutSeconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", a.label);
        result.put("mode", a.mode);
        result.put("url", a.url.toString());
        result.put("load_start", Watchdog.loadAverage());
        EventLoopGroup group = a.epoll()
                ? new MultiThreadIoEventLoopGroup(a.threads, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(a.threads, NioIoHandler.newFactory());
        try {
            if (a.mode.equals("live")) {
                new LiveRun(a, group, result).run();
            } else {
                new RequestRounds(a, group, result).run();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        result.put("load_end", Watchdog.loadAverage());
        String json = Json.line(result);
        if (a.json != null) {
            Json.append(a.json, json);
        }
        System.out.println(json);
        System.exit(0);
    }

    /** Listeners connected by one run, with the bootstrap that connects them. */
    static final class Connector {
        private final Args a;
        private final Bootstrap bootstrap;
        private final InetSocketAddress address;

        Connector(Args a, EventLoopGroup group) {
            this.a = a;
            this.address = new InetSocketAddress("127.0.0.1", a.url.getPort());
            this.bootstrap = new Bootstrap().group(group)
                    .channel(a.epoll() ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.SO_LINGER, 0)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .option(ChannelOption.TCP_NODELAY, true);
        }

        /**
         * One request to its first frame, not counted: the first connect in a fresh JVM pays for class
         * loading and the transport's native library, which would show up as the server's latency.
         */
        /**
         * {@code n} requests, 20 at a time, each closed after its first frame, unmeasured: the first
         * checks the URL answers; more let this JVM compile its connect and read paths first (a cold
         * client adds ~1.5 ms to a first byte).
         */
        void warmUp(int n) throws InterruptedException {
            for (int done = 0; done < n; done += 20) {
                int batch = Math.min(20, n - done);
                for (Listener l : connect(batch, 0, batch, 0, 30)) {
                    if (l.failure() != null) {
                        throw new IllegalStateException(a.url + ": warm-up request failed: " + l.failure());
                    }
                }
            }
        }

        /**
         * Starts {@code n} listeners, pacing the connects; returns once all have had their first frame
         * or failed, or after {@code waitSeconds}.
         */
        List<Listener> connect(int n, double perSecond, int maxWaiting, long holdNanos, int waitSeconds)
                throws InterruptedException {
            Semaphore waiting = new Semaphore(maxWaiting);
            CountDownLatch allDone = new CountDownLatch(n);
            List<Listener> listeners = new ArrayList<>(n);
            long start = System.nanoTime();
            String path = a.url.getRawPath() + (a.url.getRawQuery() == null ? "" : "?" + a.url.getRawQuery());
            for (int i = 0; i < n; i++) {
                if (perSecond > 0) {
                    long due = start + (long) (i * 1e9 / perSecond);
                    long left;
                    while ((left = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(left);
                    }
                }
                if (!waiting.tryAcquire(waitSeconds, TimeUnit.SECONDS)) {
                    break;
                }
                boolean[] released = {false};
                Listener l = new Listener("127.0.0.1", address.getPort(), path, a.httpVersion, holdNanos, () -> {
                    if (!released[0]) {
                        released[0] = true;
                        waiting.release();
                        allDone.countDown();
                    }
                });
                listeners.add(l);
                ChannelFuture f = bootstrap.clone().handler(l).connect(address);
                l.attach(f.channel());
                f.addListener(done -> {
                    if (!done.isSuccess()) {
                        l.connectFailed(done.cause());
                    }
                });
            }
            for (int i = listeners.size(); i < n; i++) {
                allDone.countDown();
            }
            allDone.await(waitSeconds, TimeUnit.SECONDS);
            return listeners;
        }
    }

    /** Live mode: ramp, settle, measured window, then the heap. */
    private static final class LiveRun {
        private final Args a;
        private final EventLoopGroup group;
        private final Map<String, Object> r;

        LiveRun(Args a, EventLoopGroup group, Map<String, Object> result) {
            this.a = a;
            this.group = group;
            this.r = result;
        }

        void run() throws Exception {
            long self = ProcessHandle.current().pid();
            r.put("listeners", a.listeners);
            Connector connector = new Connector(a, group);
            connector.warmUp(1);
            if (a.serverPid > 0) {
                // With --heap, both RSS figures are taken right after a full GC, which may shrink the heap.
                if (a.heap) {
                    r.put("server_heap_idle_kib", ProcStat.heapAfterFullGcKib(a.serverPid));
                }
                r.put("server_rss_idle_kib", ProcStat.rssKib(a.serverPid));
                long c0 = ProcStat.treeCpuNanos(a.serverPid);
                long t0 = System.nanoTime();
                Thread.sleep(a.idleSeconds * 1000L);
                r.put("server_cpu_idle_pct", pct(ProcStat.treeCpuNanos(a.serverPid) - c0, System.nanoTime() - t0));
            }
            if (a.upstreamPid > 0) {
                upstreamIdle();
            }
            long rampStart = System.nanoTime();
            List<Listener> ls = connector.connect(a.listeners, a.rate, a.connecting, -1,
                    Math.max(30, (int) (a.listeners / Math.max(1, a.rate)) + 30));
            r.put("ramp_s", round((System.nanoTime() - rampStart) / 1e9, 1));
            Thread.sleep(a.settleSeconds * 1000L);

            onLoops(ls, Listener::startWindow);
            long s0 = a.serverPid > 0 ? ProcStat.treeCpuNanos(a.serverPid) : 0;
            long u0 = a.upstreamPid > 0 ? ProcStat.cpuNanos(a.upstreamPid) : 0;
            long m0 = ProcStat.cpuNanos(self);
            long t0 = System.nanoTime();
            List<Listener> probes = probe(connector, t0 + a.seconds * 1_000_000_000L);
            onLoops(ls, Listener::endWindow);
            long wall = System.nanoTime() - t0;
            long clientCpu = ProcStat.cpuNanos(self) - m0;
            if (a.serverPid > 0) {
                long serverCpu = ProcStat.treeCpuNanos(a.serverPid) - s0;
                r.put("server_cpu_pct", pct(serverCpu, wall));
                long active = ls.stream().filter(l -> l.activeAtEnd).count();
                if (active > 0) {
                    r.put("server_us_per_listener_s", round(serverCpu / 1e3 / (active * (wall / 1e9)), 2));
                }
            }
            r.put("client_cpu_pct", pct(clientCpu, wall));
            if (a.upstreamPid > 0) {
                r.put("upstream_cpu_pct", pct(ProcStat.cpuNanos(a.upstreamPid) - u0, wall));
                r.put("upstream_rss_kib", ProcStat.rssKib(a.upstreamPid));
            }
            r.put("window_s", round(wall / 1e9, 1));
            if (a.serverPid > 0 && a.heap) {
                r.put("server_heap_kib", ProcStat.heapAfterFullGcKib(a.serverPid));
            }
            if (a.serverPid > 0) {
                r.put("server_rss_kib", ProcStat.rssKib(a.serverPid));
                List<Long> tree = ProcStat.tree(a.serverPid);
                r.put("server_threads", tree.stream().mapToLong(ProcStat::threads).sum());
                if (tree.size() > 1) {
                    r.put("server_processes", tree.size());
                    r.put("server_pss_tree_kib", ProcStat.treePssKib(a.serverPid));
                }
            }
            Summary.listeners(ls, a, wall, r);
            Summary.probes(probes, r);
            ls.forEach(l -> runOn(l, l::close));
            Thread.sleep(500);
        }

        /**
         * The upstream's CPU and RSS with no listener of this run connected, over the same idle
         * window as the server's when there is one (they are measured one after the other).
         */
        private void upstreamIdle() throws InterruptedException {
            r.put("upstream_rss_idle_kib", ProcStat.rssKib(a.upstreamPid));
            long c0 = ProcStat.cpuNanos(a.upstreamPid);
            long t0 = System.nanoTime();
            Thread.sleep(Math.max(1, a.idleSeconds) * 1000L);
            r.put("upstream_cpu_idle_pct", pct(ProcStat.cpuNanos(a.upstreamPid) - c0, System.nanoTime() - t0));
        }

        /**
         * Until {@code deadline}: {@code --probes} new listeners one after another, each closing after its
         * first frame, for the time a listener joining the loaded mount waits.
         */
        private List<Listener> probe(Connector connector, long deadline) throws InterruptedException {
            List<Listener> probes = new ArrayList<>();
            long interval = (deadline - System.nanoTime()) / (a.probes + 1);
            java.util.SplittableRandom random = new java.util.SplittableRandom(42);
            for (int i = 0; i < a.probes; i++) {
                // Jittered, so that probes do not keep landing at the same point of the batch cycle.
                LockSupport.parkNanos(interval / 2 + random.nextLong(interval));
                probes.addAll(connector.connect(1, 0, 1, 0, 10));
            }
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            return probes;
        }

        private void onLoops(List<Listener> ls, java.util.function.Consumer<Listener> action) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(ls.size());
            for (Listener l : ls) {
                runOn(l, () -> {
                    try {
                        action.accept(l);
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await(30, TimeUnit.SECONDS);
        }

        private void runOn(Listener l, Runnable task) {
            // Listeners that never connected have no channel: run their task here.
            Channel ch = l.channel();
            if (ch == null) {
                task.run();
            } else {
                ch.eventLoop().execute(task);
            }
        }
    }

    /** Requests mode: rounds of simultaneous requests, each held a while after its first frame. */
    private static final class RequestRounds {
        private final Args a;
        private final EventLoopGroup group;
        private final Map<String, Object> r;

        RequestRounds(Args a, EventLoopGroup group, Map<String, Object> result) {
            this.a = a;
            this.group = group;
            this.r = result;
        }

        void run() throws Exception {
            r.put("concurrency", a.concurrency);
            r.put("rounds", a.rounds);
            Connector c = new Connector(a, group);
            c.warmUp(a.warmUp);
            List<Listener> all = new ArrayList<>();
            long s0 = a.serverPid > 0 ? ProcStat.treeCpuNanos(a.serverPid) : 0;
            long u0 = a.upstreamPid > 0 ? ProcStat.cpuNanos(a.upstreamPid) : 0;
            long t0 = System.nanoTime();
            for (int round = 0; round < a.rounds; round++) {
                List<Listener> ls = c.connect(a.concurrency, 0, a.concurrency, a.holdMillis * 1_000_000L, a.waitSeconds);
                all.addAll(ls);
                awaitClosed(ls, a.holdMillis + 15_000);
                if (a.pauseMillis > 0) {
                    Thread.sleep(a.pauseMillis);
                }
            }
            if (a.serverPid > 0) {
                r.put("server_cpu_pct", pct(ProcStat.treeCpuNanos(a.serverPid) - s0, System.nanoTime() - t0));
            }
            Summary.requests(all, r);
        }

        private static void awaitClosed(List<Listener> ls, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            for (Listener l : ls) {
                Channel ch = l.channel();
                if (ch != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !ch.closeFuture().await(left, TimeUnit.NANOSECONDS)) {
                        ch.close();
                    }
                }
            }
        }
    }

    static double pct(long cpuNanos, long wallNanos) {
        return round(100.0 * cpuNanos / wallNanos, 1);
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }



    /** Command-line arguments. */
    static final class Args {
        URI url;
        String mode = "live";
        String label = "";
        int listeners = 100;
        int concurrency = 1;
        int rounds = 20;
        /** Requests mode: unmeasured requests first (at least the one that checks the URL). */
        int warmUp = 1;
        long holdMillis = 0;
        long pauseMillis = 50;
        int waitSeconds = 60;
        double rate = 1000;
        int connecting = 256;
        int settleSeconds = 5;
        int seconds = 30;
        int idleSeconds = 3;
        long maxLagMillis = 1000;
        int probes = 20;
        long serverPid;
        /** A process feeding the server (an mp3cast pushing to the Icecast under load): its CPU too. */
        long upstreamPid;
        boolean heap;
        int threads = 1;
        String transport = "epoll";
        String httpVersion = "HTTP/1.1";
        long timeoutSeconds;
        Path json;

        static Args parse(String[] argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String v = i + 1 < argv.length ? argv[i + 1] : null;
                switch (argv[i]) {
                    case "--url" -> a.url = URI.create(v);
                    case "--mode" -> a.mode = v;
                    case "--label" -> a.label = v;
                    case "--listeners" -> a.listeners = Integer.parseInt(v);
                    case "--concurrency" -> a.concurrency = Integer.parseInt(v);
                    case "--rounds" -> a.rounds = Integer.parseInt(v);
                    case "--warm-up" -> a.warmUp = Integer.parseInt(v);
                    case "--hold-ms" -> a.holdMillis = Long.parseLong(v);
                    case "--pause-ms" -> a.pauseMillis = Long.parseLong(v);
                    case "--wait-s" -> a.waitSeconds = Integer.parseInt(v);
                    case "--rate" -> a.rate = Double.parseDouble(v);
                    case "--connecting" -> a.connecting = Integer.parseInt(v);
                    case "--settle" -> a.settleSeconds = Integer.parseInt(v);
                    case "--seconds" -> a.seconds = Integer.parseInt(v);
                    case "--idle-seconds" -> a.idleSeconds = Integer.parseInt(v);
                    case "--max-lag-ms" -> a.maxLagMillis = Long.parseLong(v);
                    case "--probes" -> a.probes = Integer.parseInt(v);
                    case "--server-pid" -> a.serverPid = Long.parseLong(v);
                    case "--upstream-pid" -> a.upstreamPid = Long.parseLong(v);
                    case "--heap" -> {
                        a.heap = true;
                        continue;
                    }
                    case "--http10" -> {
                        a.httpVersion = "HTTP/1.0";  // no chunked encoding: the raw body, as some radio players get it
                        continue;
                    }
                    case "--threads" -> a.threads = Integer.parseInt(v);
                    case "--transport" -> a.transport = v;
                    case "--timeout" -> a.timeoutSeconds = Long.parseLong(v);
                    case "--json" -> a.json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown argument: " + argv[i] + usage());
                }
                if (v == null) {
                    throw new IllegalArgumentException(argv[i] + ": missing value" + usage());
                }
                i++;
            }
            a.check();
            return a;
        }

        private void check() {
            if (url == null) {
                throw new IllegalArgumentException("--url: missing" + usage());
            }
            String host = url.getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                throw new IllegalArgumentException("--url: only 127.0.0.1 is allowed, got " + host);
            }
            if (url.getPort() <= 0) {
                throw new IllegalArgumentException("--url: needs a port, got " + url);
            }
            if (!mode.equals("live") && !mode.equals("requests")) {
                throw new IllegalArgumentException("--mode: live or requests, got " + mode);
            }
            if (listeners < 1 || listeners > 15_000 || concurrency < 1 || concurrency > 15_000) {
                throw new IllegalArgumentException("--listeners and --concurrency: 1-15000");
            }
            if (seconds < 1 || seconds > 600 || rounds < 1 || rounds > 10_000) {
                throw new IllegalArgumentException("--seconds: 1-600, --rounds: 1-10000");
            }
            if (timeoutSeconds == 0) {
                timeoutSeconds = mode.equals("live")
                        ? idleSeconds + (long) (listeners / Math.max(1, rate)) + settleSeconds + seconds + 180
                        : rounds * (holdMillis / 1000 + waitSeconds + 20) + 60;
            }
        }

        boolean epoll() {
            return transport.equals("epoll") && Epoll.isAvailable();
        }

        static String usage() {
            return "\nusage: ListenerLoad --url http://127.0.0.1:PORT/PATH [--mode live|requests] [--label NAME]"
                    + "\n  live:     [--listeners N] [--rate PER_S] [--connecting K] [--settle S] [--seconds S]"
                    + " [--idle-seconds S] [--max-lag-ms MS] [--probes N] [--server-pid PID] [--heap]"
                    + "\n  requests: [--concurrency C] [--rounds R] [--warm-up N] [--hold-ms MS] [--pause-ms MS] [--wait-s S] [--server-pid PID]"
                    + "\n  both:     [--http10] [--threads T] [--transport epoll|nio] [--timeout S] [--json FILE]";
        }
    }

    /** Summary figures over the listeners of a run, into the result map and onto stderr. */
    static final class Summary {
        private Summary() {}

        static void listeners(List<Listener> ls, Args a, long windowNanos, Map<String, Object> r) {
            common(ls, r);
            long maxLag = a.maxLagMillis * 1000;
            List<Long> lags = new ArrayList<>();
            List<Long> endLags = new ArrayList<>();
            List<Long> rates = new ArrayList<>();
            int held = 0;
            for (Listener l : ls) {
                if (l.windowAudio < 0) {
                    continue;
                }
                lags.add(l.maxLagMicros / 1000);
                endLags.add(l.endLagMicros / 1000);
                rates.add(l.windowAudio * 1000 / (windowNanos / 1000));
                if (l.activeAtEnd && l.maxLagMicros <= maxLag) {
                    held++;
                }
            }
            r.put("held", held);
            r.put("max_lag_ms", Percentiles.of(lags).map());
            r.put("end_lag_ms", Percentiles.of(endLags).map());
            r.put("audio_per_wall_permille", Percentiles.of(rates).map());
            PrintStream e = System.err;
            e.printf(Locale.ROOT, "%s: %d listeners, %d held (lag never over %d ms) over %.0f s; max lag %s ms%n",
                    a.label, a.listeners, held, a.maxLagMillis, windowNanos / 1e9, Percentiles.of(lags));
        }

        /** Listeners that joined the loaded mount one at a time during the window. */
        static void probes(List<Listener> ls, Map<String, Object> r) {
            List<Long> ttff = new ArrayList<>();
            int boundary = 0;
            for (Listener l : ls) {
                if (l.timeToFirstFrameNanos() >= 0) {
                    ttff.add(l.timeToFirstFrameNanos() / 1000);
                    boundary += l.startedOnFrameBoundary() ? 1 : 0;
                }
            }
            r.put("probe_first_frame_us", Percentiles.of(ttff).map());
            r.put("probe_on_frame_boundary", boundary);
            System.err.printf(Locale.ROOT, "  joining under load: first whole frame %s us, %d on a frame boundary%n",
                    Percentiles.of(ttff), boundary);
        }

        static void requests(List<Listener> ls, Map<String, Object> r) {
            common(ls, r);
        }

        private static void common(List<Listener> ls, Map<String, Object> r) {
            List<Long> response = new ArrayList<>();
            List<Long> ttfb = new ArrayList<>();
            List<Long> ttff = new ArrayList<>();
            int boundary = 0;
            int withFrames = 0;
            Map<String, Integer> failures = new LinkedHashMap<>();
            for (Listener l : ls) {
                if (l.timeToResponseNanos() >= 0) {
                    response.add(l.timeToResponseNanos() / 1000);
                }
                if (l.timeToFirstByteNanos() >= 0) {
                    ttfb.add(l.timeToFirstByteNanos() / 1000);
                }
                if (l.timeToFirstFrameNanos() >= 0) {
                    ttff.add(l.timeToFirstFrameNanos() / 1000);
                    withFrames++;
                    if (l.startedOnFrameBoundary()) {
                        boundary++;
                    }
                }
                if (l.failure() != null) {
                    failures.merge(l.failure(), 1, Integer::sum);
                } else if (l.timeToFirstFrameNanos() < 0) {
                    failures.merge("no whole frame in time", 1, Integer::sum);
                }
            }
            r.put("started", ls.size());
            r.put("with_frames", withFrames);
            r.put("on_frame_boundary", boundary);
            r.put("response_us", Percentiles.of(response).map());
            r.put("ttfb_us", Percentiles.of(ttfb).map());
            r.put("first_frame_us", Percentiles.of(ttff).map());
            r.put("failures", failures);
            System.err.printf(Locale.ROOT, "  first response byte %s us, first audio byte %s us, first whole frame %s us,"
                    + " %d/%d bodies start on a frame boundary, failures %s%n", Percentiles.of(response), Percentiles.of(ttfb),
                    Percentiles.of(ttff), boundary, withFrames, failures);
        }
    }
}
