package io.mp3cast.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hostile-load benchmark's client: every kind of stranger the server must not let hold it,
 * at once, beside honest listeners that must not notice. From one NIO loop, on 127.0.0.1 only:
 * <ul>
 *   <li>{@code --idle} connections that send nothing (reconnected when the server closes them);</li>
 *   <li>{@code --slowloris} connections that send a request head a byte a second;</li>
 *   <li>{@code --stalled-listeners} listeners of the live mount that never read;</li>
 *   <li>{@code --stalled-streams} per-request streams whose client never reads;</li>
 *   <li>{@code --producers} producers that each connect, push 200 ms of PCM and hang up, every 200 ms;</li>
 *   <li>{@code --honest} listeners of the live mount that read everything: each must get the
 *       stream in real time (its bytes over the window at least {@code --min-realtime} of what
 *       the bitrate gives) and stay connected;</li>
 *   <li>a new listener every {@code --probe-ms}: time to its first response byte and first audio
 *       byte (p50, p99);</li>
 *   <li>the server's RSS each second (with {@code --server-pid}), and its heap after a full GC at
 *       the window's start and end.</li>
 * </ul>
 * Attackers connect from 127.0.0.2-127.0.0.9 (more address pairs for their churn), honest
 * clients from 127.0.0.1. Bounded: the run stops after its ramp and {@code --seconds}.
 */
public final class HostileLoad {
    enum Role { IDLE, SLOWLORIS, STALLED_LISTENER, STALLED_STREAM, PRODUCER, HONEST, PROBE }

    private final Args a;
    private final Selector selector;
    private final Map<Role, Integer> reconnects = new EnumMap<>(Role.class);
    private final Map<Role, Integer> answers408 = new EnumMap<>(Role.class);
    private final List<Conn> all = new ArrayList<>();
    private final ArrayDeque<Conn> toConnect = new ArrayDeque<>();
    private final List<Long> firstByteMicros = new ArrayList<>();
    private final List<Long> firstAudioMicros = new ArrayList<>();
    private final List<Long> rssKib = new ArrayList<>();
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] producerRequest;
    private int nextAttackerAddress;
    private int producerCycles;
    private int producerAnswers2xx;
    private int probesFailed;
    private boolean measuring;

    /** One connection and what it is for. */
    private final class Conn {
        final Role role;
        final int index;
        SocketChannel ch;
        long connectStartNanos;
        long lastActionNanos;
        boolean headersDone;
        final StringBuilder head = new StringBuilder();
        long bodyBytes;
        long windowStartBytes = -1;
        boolean dropped;
        boolean listed;
        int trickled;

        Conn(Role role, int index) {
            this.role = role;
            this.index = index;
        }
    }

    private HostileLoad(Args a) throws IOException {
        this.a = a;
        this.selector = Selector.open();
        this.producerRequest = producerRequest();
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Watchdog.start("hostile-load", a.seconds + a.rampSeconds + 120L);
        new HostileLoad(a).run();
    }

    private void run() throws IOException, InterruptedException {
        PrintStream out = System.out;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", a.label);
        result.put("load_start", Watchdog.loadAverage());
        // Honest listeners first, so they are all playing before the attack starts.
        for (int i = 0; i < a.honest; i++) {
            toConnect.add(new Conn(Role.HONEST, i));
        }
        loopFor(Math.max(5000, a.honest * 5), 200);
        int playing = (int) all.stream().filter(c -> c.role == Role.HONEST && c.bodyBytes > 0).count();
        out.printf(Locale.ROOT, "honest listeners playing before the attack: %d of %d%n", playing, a.honest);
        addAttackers(Role.IDLE, a.idle);
        addAttackers(Role.SLOWLORIS, a.slowloris);
        addAttackers(Role.STALLED_LISTENER, a.stalledListeners);
        addAttackers(Role.STALLED_STREAM, a.stalledStreams);
        addAttackers(Role.PRODUCER, a.producers);
        loopFor(a.rampSeconds * 1000L, a.connectsPerSecond);
        out.printf(Locale.ROOT, "attack ramped up: %d connections open%n", openCount());

        long heapStart = a.serverPid > 0 && a.heap ? ProcStat.heapAfterFullGcKib(a.serverPid) : -1;
        measuring = true;
        for (Conn c : all) {
            if (c.role == Role.HONEST) {
                c.windowStartBytes = c.dropped ? -1 : c.bodyBytes;
            }
        }
        long windowStart = System.nanoTime();
        loopFor(a.seconds * 1000L, a.connectsPerSecond);
        double window = (System.nanoTime() - windowStart) / 1e9;
        measuring = false;
        long heapEnd = a.serverPid > 0 && a.heap ? ProcStat.heapAfterFullGcKib(a.serverPid) : -1;

        report(result, window, heapStart, heapEnd);
        out.println(Json.line(result));
        if (a.json != null) {
            Json.append(a.json, Json.line(result));
        }
        for (Conn c : all) {
            closeQuietly(c);
        }
        selector.close();
    }

    private void addAttackers(Role role, int n) {
        for (int i = 0; i < n; i++) {
            toConnect.add(new Conn(role, i));
        }
    }

    private void report(Map<String, Object> result, double window, long heapStart, long heapEnd) {
        long expectedBytes = (long) (window * a.bitrateKbps * 1000 / 8);
        int held = 0;
        long minBytes = Long.MAX_VALUE;
        for (Conn c : all) {
            if (c.role != Role.HONEST) {
                continue;
            }
            long got = c.windowStartBytes < 0 || c.dropped ? 0 : c.bodyBytes - c.windowStartBytes;
            minBytes = Math.min(minBytes, got);
            if (!c.dropped && got >= a.minRealtime * expectedBytes) {
                held++;
            }
        }
        Percentiles fb = Percentiles.of(firstByteMicros);
        Percentiles fa = Percentiles.of(firstAudioMicros);
        result.put("window_s", Math.round(window * 10) / 10.0);
        result.put("honest", a.honest);
        result.put("honest_in_real_time", held);
        result.put("honest_min_fraction_of_real_time", Math.round(1000.0 * minBytes / Math.max(1, expectedBytes)) / 1000.0);
        result.put("probe_first_byte_ms", scaled(fb));
        result.put("probe_first_audio_ms", scaled(fa));
        result.put("probes_failed", probesFailed);
        Map<String, Object> attack = new LinkedHashMap<>();
        attack.put("idle", a.idle);
        attack.put("slowloris", a.slowloris);
        attack.put("stalled_listeners", a.stalledListeners);
        attack.put("stalled_streams", a.stalledStreams);
        attack.put("producers", a.producers);
        attack.put("reconnects", new LinkedHashMap<>(reconnects));
        attack.put("answered_408", new LinkedHashMap<>(answers408));
        attack.put("producer_cycles", producerCycles);
        attack.put("producer_answers_2xx", producerAnswers2xx);
        result.put("attack", attack);
        if (!rssKib.isEmpty()) {
            long first = rssKib.get(Math.min(rssKib.size() - 1, 10));
            long last = rssKib.get(rssKib.size() - 1);
            result.put("rss_mib_at_10s", first / 1024);
            result.put("rss_mib_end", last / 1024);
            result.put("rss_mib_max", rssKib.stream().mapToLong(Long::longValue).max().orElse(0) / 1024);
            result.put("rss_drift_pct", Math.round(1000.0 * (last - first) / first) / 10.0);
        }
        if (heapStart >= 0) {
            result.put("heap_after_gc_mib_start", heapStart / 1024);
            result.put("heap_after_gc_mib_end", heapEnd / 1024);
        }
        result.put("load_end", Watchdog.loadAverage());
        System.out.printf(Locale.ROOT, "honest listeners in real time: %d of %d (least: %.3f of real time)%n", held,
                a.honest, minBytes / (double) Math.max(1, expectedBytes));
        System.out.printf(Locale.ROOT, "new listener, first byte ms: %s; first audio byte ms: %s; failed %d%n",
                scaled(fb), scaled(fa), probesFailed);
        System.out.println("attack: " + attack);
        if (!rssKib.isEmpty()) {
            System.out.printf(Locale.ROOT, "server RSS MiB: at 10 s %d, end %d, max %d%n", (long) result.get("rss_mib_at_10s"),
                    (long) result.get("rss_mib_end"), (long) result.get("rss_mib_max"));
        }
    }

    private static Map<String, Object> scaled(Percentiles p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", p.count());
        m.put("p50", p.p50() / 1000.0);
        m.put("p99", p.p99() / 1000.0);
        m.put("max", p.max() / 1000.0);
        return m;
    }

    // ---- the loop

    private void loopFor(long millis, int connectsPerSecond) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        long lastSweep = 0;
        long lastSecond = System.nanoTime();
        long lastProbe = System.nanoTime();
        double connectCredit = 0;
        long lastCredit = System.nanoTime();
        while (System.nanoTime() < end) {
            selector.select(5);
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
            long now = System.nanoTime();
            connectCredit = Math.min(connectsPerSecond, connectCredit + (now - lastCredit) / 1e9 * connectsPerSecond);
            lastCredit = now;
            while (connectCredit >= 1 && !toConnect.isEmpty()) {
                connect(toConnect.poll());
                connectCredit--;
            }
            if (now - lastSweep > 100_000_000L) {
                sweep(now);
                lastSweep = now;
            }
            if (measuring && now - lastProbe > a.probeMillis * 1_000_000L) {
                connect(new Conn(Role.PROBE, 0));
                lastProbe = now;
            }
            if (now - lastSecond > 1_000_000_000L) {
                lastSecond = now;
                if (a.serverPid > 0 && measuring) {
                    rssKib.add(ProcStat.rssKib(a.serverPid));
                }
            }
        }
    }

    private void connect(Conn c) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            if (c.role == Role.STALLED_LISTENER || c.role == Role.STALLED_STREAM) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            boolean honest = c.role == Role.HONEST || c.role == Role.PROBE;
            ch.bind(new InetSocketAddress(honest ? "127.0.0.1" : "127.0.0." + (2 + nextAttackerAddress++ % 8), 0));
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);  // reset on close: no TIME_WAIT pile-up here
            c.ch = ch;
            c.connectStartNanos = System.nanoTime();
            c.lastActionNanos = c.connectStartNanos;
            c.headersDone = false;
            c.head.setLength(0);
            c.trickled = 0;
            if (ch.connect(new InetSocketAddress("127.0.0.1", a.port))) {
                connected(c);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
            if (!c.listed && c.role != Role.PROBE) {
                c.listed = true;
                all.add(c);
            }
        } catch (IOException e) {
            if (c.role == Role.PROBE) {
                probesFailed++;
            } else {
                toConnect.add(c);
            }
        }
    }

    private void connected(Conn c) throws IOException {
        String request = switch (c.role) {
            case IDLE -> "";
            case SLOWLORIS -> "GET " + a.listenPath + " HTTP/1.1\r\nHost: x\r\nX-";
            case STALLED_LISTENER, HONEST, PROBE -> "GET " + a.listenPath + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case STALLED_STREAM -> "GET " + a.streamPath + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case PRODUCER -> null;
        };
        if (c.role == Role.PRODUCER) {
            producerCycles++;
            String head = "PUT /flap-" + c.index + ".mp3?format=f32le&rate=24000 HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n";
            write(c, head.getBytes(StandardCharsets.ISO_8859_1));
            write(c, producerRequest);
        } else if (!request.isEmpty()) {
            write(c, request.getBytes(StandardCharsets.ISO_8859_1));
        }
        boolean reads = c.role != Role.STALLED_LISTENER && c.role != Role.STALLED_STREAM;
        c.ch.register(selector, reads ? SelectionKey.OP_READ : 0, c);
    }

    private void write(Conn c, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (c.ch.write(b) == 0) {
                break;  // the server is not reading (a refused producer): what is left is dropped
            }
        }
    }

    private void handle(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isConnectable()) {
                c.ch.finishConnect();
                connected(c);
                return;
            }
            if (key.isReadable()) {
                read(c);
            }
        } catch (IOException | java.nio.channels.CancelledKeyException e) {
            closed(c);
        }
    }

    private void read(Conn c) throws IOException {
        readBuf.clear();
        int n = c.ch.read(readBuf);
        if (n < 0) {
            closed(c);
            return;
        }
        long now = System.nanoTime();
        if (c.role == Role.PROBE && c.head.length() == 0 && n > 0 && measuring) {
            firstByteMicros.add((now - c.connectStartNanos) / 1000);
        }
        int bodyFrom = 0;
        if (!c.headersDone) {
            readBuf.flip();
            while (readBuf.hasRemaining() && !c.headersDone) {
                c.head.append((char) (readBuf.get() & 0xFF));
                c.headersDone = c.head.length() >= 4 && c.head.substring(c.head.length() - 4).equals("\r\n\r\n");
            }
            bodyFrom = readBuf.position();
            if (c.head.length() >= 12 && c.head.indexOf("HTTP/1.1 408") == 0) {
                answers408.merge(c.role, 1, Integer::sum);
            }
        }
        if (c.headersDone) {
            long body = n - bodyFrom;
            if (c.role == Role.PROBE && body > 0) {
                if (measuring) {
                    firstAudioMicros.add((now - c.connectStartNanos) / 1000);
                }
                closeQuietly(c);
                return;
            }
            if (c.role == Role.PRODUCER) {
                if (c.head.length() >= 12 && c.head.charAt(9) == '2') {
                    producerAnswers2xx++;
                }
                closeQuietly(c);  // the next cycle starts from the sweep
                return;
            }
            c.bodyBytes += body;
        }
    }

    /** The server closed a connection: an attacker comes back; an honest listener is counted dropped. */
    private void closed(Conn c) {
        closeQuietly(c);
        switch (c.role) {
            case HONEST -> c.dropped = true;
            case PROBE -> probesFailed += measuring ? 1 : 0;
            case PRODUCER -> { }
            default -> {
                reconnects.merge(c.role, 1, Integer::sum);
                toConnect.add(c);
            }
        }
    }

    /** Every 100 ms: slowloris bytes, stalled clients checked for a close, producers' next cycle. */
    private void sweep(long now) {
        for (Conn c : all) {
            if (c.ch == null) {
                continue;
            }
            long since = now - c.lastActionNanos;
            switch (c.role) {
                case SLOWLORIS -> {
                    if (c.ch.isConnected() && since > 1_000_000_000L) {
                        c.lastActionNanos = now;
                        trickle(c);
                    }
                }
                case STALLED_LISTENER, STALLED_STREAM -> {
                    if (c.ch.isConnected() && since > 2_000_000_000L) {
                        c.lastActionNanos = now;
                        trickle(c);  // a byte the server ignores; it fails once the server has closed
                    }
                }
                case PRODUCER -> {
                    if (since > 200_000_000L) {
                        closeQuietly(c);
                        connect(c);
                    }
                }
                default -> { }
            }
        }
    }

    private void trickle(Conn c) {
        try {
            if (c.ch.write(ByteBuffer.wrap(new byte[] {'a'})) >= 0) {
                c.trickled++;
            }
        } catch (IOException e) {
            closed(c);
        }
    }

    private void closeQuietly(Conn c) {
        if (c.ch != null) {
            try {
                c.ch.close();
            } catch (IOException e) {
                // closing anyway
            }
            if (c.role != Role.PRODUCER) {
                c.ch = c.role == Role.HONEST ? c.ch : null;
            }
        }
    }

    private int openCount() {
        int n = 0;
        for (Conn c : all) {
            n += c.ch != null && c.ch.isOpen() ? 1 : 0;
        }
        return n;
    }

    /** 200 ms of a 440 Hz tone at 24 kHz as float32 LE, as one HTTP chunk, and the last chunk. */
    private static byte[] producerRequest() {
        return Pcm.chunk(Pcm.tone(4800, 1, 24000, 440), Pcm.LAST_CHUNK);
    }


    /** Command-line options; see the class comment and bench/run-hostile-bench.sh. */
    static final class Args {
        int port;
        String listenPath = "/stream.mp3";
        String streamPath = "/tone.mp3?seconds=3600";
        int bitrateKbps = 128;
        int idle = 5000;
        int slowloris = 1000;
        int stalledListeners = 200;
        int stalledStreams = 100;
        int producers = 4;
        int honest = 1000;
        int probeMillis = 100;
        int seconds = 60;
        int rampSeconds = 15;
        int connectsPerSecond = 2000;
        double minRealtime = 0.95;
        long serverPid;
        boolean heap;
        String label = "mp3cast";
        Path json;

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i += 2) {
                String v = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--port" -> a.port = Integer.parseInt(v);
                    case "--listen-path" -> a.listenPath = v;
                    case "--stream-path" -> a.streamPath = v;
                    case "--bitrate-kbps" -> a.bitrateKbps = Integer.parseInt(v);
                    case "--idle" -> a.idle = Integer.parseInt(v);
                    case "--slowloris" -> a.slowloris = Integer.parseInt(v);
                    case "--stalled-listeners" -> a.stalledListeners = Integer.parseInt(v);
                    case "--stalled-streams" -> a.stalledStreams = Integer.parseInt(v);
                    case "--producers" -> a.producers = Integer.parseInt(v);
                    case "--honest" -> a.honest = Integer.parseInt(v);
                    case "--probe-ms" -> a.probeMillis = Integer.parseInt(v);
                    case "--seconds" -> a.seconds = Integer.parseInt(v);
                    case "--ramp-seconds" -> a.rampSeconds = Integer.parseInt(v);
                    case "--connects-per-second" -> a.connectsPerSecond = Integer.parseInt(v);
                    case "--min-realtime" -> a.minRealtime = Double.parseDouble(v);
                    case "--server-pid" -> a.serverPid = Long.parseLong(v);
                    case "--heap" -> {
                        a.heap = true;
                        i--;
                    }
                    case "--label" -> a.label = v;
                    case "--json" -> a.json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (a.port <= 0) {
                throw new IllegalArgumentException("--port: missing");
            }
            return a;
        }
    }
}
