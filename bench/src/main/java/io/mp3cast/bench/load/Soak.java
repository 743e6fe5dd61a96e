package io.mp3cast.bench.load;

import io.mp3cast.mp3.FrameSplitter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The soak: an hour (by default) of ordinary churn, to show that nothing accumulates. From one NIO
 * loop on 127.0.0.1:
 * <ul>
 *   <li>{@code --listeners} listeners of the live mount, {@code --churn-pct} of them leaving and
 *       coming back each minute, spread over the minute;</li>
 *   <li>{@code --producers} producers, each pushing PCM in real time to its own mount for 5-30 s,
 *       then gone for 1-10 s, over and over;</li>
 *   <li>per-request streams opened (at most {@code --streams} at once) and aborted after 0.5-5 s;</li>
 *   <li>checking listeners on the live mount and on the first producer's mount that stay the whole
 *       run: their bodies are de-chunked and split into MP3 frames, and every byte that is no
 *       whole frame is a decode error; their MP3 is also saved for an external decoder.</li>
 * </ul>
 * Before the load, each producer's mount is created by a short push and the server's thread and
 * open-file counts are taken; after it, everything is closed and, after {@code --settle-seconds},
 * they are taken again. Each minute: the server's RSS, its heap after a full GC (jcmd), threads,
 * open files. Bounded by {@code --minutes} plus the settling and a watchdog.
 */
public final class Soak {
    private final Args a;
    private final Selector selector;
    private final Random random = new Random(14);
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Conn> listeners = new ArrayList<>();
    private final List<Conn> producers = new ArrayList<>();
    private final List<Conn> streams = new ArrayList<>();
    private final List<Checker> checkers = new ArrayList<>();
    private long listenerReconnects;
    private long listenersDropped;
    private long producerSessions;
    private long producerRefusals;
    private long streamsOpened;
    private long streamsAborted;

    private enum Kind { LISTENER, PRODUCER, STREAM, CHECKER }

    private static final class Conn {
        final Kind kind;
        final int index;
        SocketChannel ch;
        long startNanos;
        long untilNanos;
        long nextWriteNanos;
        ByteBuffer pending;
        boolean headDone;
        final StringBuilder head = new StringBuilder();
        Checker checker;

        Conn(Kind kind, int index) {
            this.kind = kind;
            this.index = index;
        }
    }

    /** A checking listener's de-chunker and frame splitter, and where its MP3 is saved. */
    private static final class Checker {
        final String path;
        final FrameSplitter splitter = new FrameSplitter();
        final OutputStream saved;
        long chunkLeft = -1;
        final StringBuilder sizeLine = new StringBuilder();
        boolean ended;

        Checker(String path, Path file) throws IOException {
            this.path = path;
            this.saved = Files.newOutputStream(file);
        }

        void body(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (chunkLeft > 0) {
                    int n = (int) Math.min(chunkLeft, b.remaining());
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    splitter.feed(bytes, 0, n, (d, o, l) -> { });
                    saved.write(bytes);
                    chunkLeft -= n;
                    continue;
                }
                char c = (char) (b.get() & 0xFF);
                if (c == '\n') {
                    String line = sizeLine.toString().trim();
                    sizeLine.setLength(0);
                    if (!line.isEmpty()) {
                        chunkLeft = Long.parseLong(line, 16);
                        ended |= chunkLeft == 0;
                    }
                } else if (c != '\r') {
                    sizeLine.append(c);
                }
            }
        }

        long errors() {
            return splitter.skippedBytes() + splitter.truncatedBytes();
        }
    }

    private Soak(Args a) throws IOException {
        this.a = a;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Watchdog.start("soak", a.minutes * 60L + 2L * a.settleSeconds + 300);
        new Soak(a).run();
    }

    private void run() throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", a.label);
        result.put("load_start", Watchdog.loadAverage());
        createProducerMounts();
        sleep(a.settleSeconds * 1000L);
        long threadsStart = ProcStat.applicationThreads(a.serverPid);
        long fdsStart = fds(a.serverPid);
        System.out.printf(Locale.ROOT, "start: server application threads %d, open files %d%n", threadsStart, fdsStart);

        for (int i = 0; i < a.listeners; i++) {
            Conn c = new Conn(Kind.LISTENER, i);
            listeners.add(c);
            connect(c);
            if (i % 200 == 199) {
                pump(100);
            }
        }
        for (int i = 0; i < a.producers; i++) {
            Conn c = new Conn(Kind.PRODUCER, i);
            producers.add(c);
            c.untilNanos = System.nanoTime() + random.nextInt(5000) * 1_000_000L;  // staggered first sessions
        }
        // Producer-created mounts go once idle for --idle-mount-ms (60 s), so those made before the
        // settle are gone by now: producer 0 starts at once and makes /soak-0.mp3 again, and its checker,
        // a listener, then keeps that mount for the whole run.
        producers.get(0).untilNanos = System.nanoTime();
        runMinute(System.nanoTime() + 3_000_000_000L);
        checkers.add(new Checker(a.listenPath, a.out.resolve("check-live.mp3")));
        checkers.add(new Checker("/soak-0.mp3", a.out.resolve("check-producer.mp3")));
        for (Checker k : checkers) {
            Conn c = new Conn(Kind.CHECKER, 0);
            c.checker = k;
            connect(c);
        }

        List<Map<String, Object>> minutes = new ArrayList<>();
        long start = System.nanoTime();
        for (int minute = 1; minute <= a.minutes; minute++) {
            runMinute(start + minute * 60_000_000_000L);
            Map<String, Object> m = sample(minute);
            minutes.add(m);
            System.out.println(Json.line(m));
        }
        stopLoad();
        for (Checker k : checkers) {
            k.saved.close();
        }
        sleep(a.settleSeconds * 1000L);
        long threadsEnd = ProcStat.applicationThreads(a.serverPid);
        long fdsEnd = fds(a.serverPid);
        report(result, minutes, threadsStart, threadsEnd, fdsStart, fdsEnd);
    }

    private void report(Map<String, Object> result, List<Map<String, Object>> minutes, long threadsStart,
                        long threadsEnd, long fdsStart, long fdsEnd) throws IOException {
        // Minute 10 against the last, as the target says; a short check run compares its first minute.
        Map<String, Object> first = minutes.get(minutes.size() >= 20 ? 9 : 0);
        Map<String, Object> last = minutes.get(minutes.size() - 1);
        result.put("minutes", a.minutes);
        result.put("compared_minutes", List.of(first.get("minute"), last.get("minute")));
        result.put("rss_mib", List.of(first.get("rss_mib"), last.get("rss_mib")));
        result.put("rss_drift_pct", drift(first, last, "rss_mib"));
        result.put("heap_after_gc_mib", List.of(first.get("heap_after_gc_mib"), last.get("heap_after_gc_mib")));
        result.put("heap_drift_pct", drift(first, last, "heap_after_gc_mib"));
        result.put("threads_start_end", List.of(threadsStart, threadsEnd));
        result.put("open_files_start_end", List.of(fdsStart, fdsEnd));
        Map<String, Object> checks = new LinkedHashMap<>();
        for (Checker k : checkers) {
            checks.put(k.path, Map.of("frames", k.splitter.frames(), "decode_errors", k.errors()));
        }
        result.put("checking_listeners", checks);
        result.put("listener_reconnects", listenerReconnects);
        result.put("listeners_dropped_by_server", listenersDropped);
        result.put("producer_sessions", producerSessions);
        result.put("producer_refusals", producerRefusals);
        result.put("streams_opened", streamsOpened);
        result.put("streams_aborted", streamsAborted);
        result.put("load_end", Watchdog.loadAverage());
        String line = Json.line(result);
        System.out.println(line);
        if (a.json != null) {
            Json.append(a.json, line);
        }
        boolean flat = Math.abs((double) result.get("rss_drift_pct")) < 5 && Math.abs((double) result.get("heap_drift_pct")) < 5;
        boolean clean = checkers.stream().allMatch(k -> k.errors() == 0);
        System.out.printf(Locale.ROOT, "verdict: RSS and heap %s (minute %s to %s), decode errors %s, threads %d -> %d,"
                        + " open files %d -> %d%n", flat ? "flat within 5%" : "NOT flat", first.get("minute"),
                last.get("minute"), clean ? "none" : "FOUND", threadsStart, threadsEnd, fdsStart, fdsEnd);
    }

    private static double drift(Map<String, Object> first, Map<String, Object> last, String key) {
        double a = ((Number) first.get(key)).doubleValue();
        double b = ((Number) last.get(key)).doubleValue();
        return a <= 0 ? 0 : Math.round(1000.0 * (b - a) / a) / 10.0;
    }

    private Map<String, Object> sample(int minute) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minute", minute);
        m.put("rss_mib", ProcStat.rssKib(a.serverPid) / 1024.0);
        m.put("heap_after_gc_mib", a.heap ? ProcStat.heapAfterFullGcKib(a.serverPid) / 1024.0 : -1);
        m.put("threads", ProcStat.applicationThreads(a.serverPid));
        m.put("open_files", fds(a.serverPid));
        m.put("listeners_connected", listeners.stream().filter(c -> c.ch != null && c.ch.isOpen()).count());
        m.put("decode_errors", checkers.stream().mapToLong(Checker::errors).sum());
        m.put("producer_sessions", producerSessions);
        m.put("streams_aborted", streamsAborted);
        m.put("load", Watchdog.loadAverage());
        return m;
    }

    // ---- the loop

    private void runMinute(long endNanos) throws IOException {
        long churnEvery = a.churnPct <= 0 ? Long.MAX_VALUE : 60_000_000_000L / Math.max(1, a.listeners * a.churnPct / 100);
        long nextChurn = System.nanoTime() + churnEvery;
        long nextStream = System.nanoTime();
        while (System.nanoTime() < endNanos) {
            pump(10);
            long now = System.nanoTime();
            if (now >= nextChurn) {
                Conn c = listeners.get(random.nextInt(listeners.size()));
                closeQuietly(c);
                connect(c);
                listenerReconnects++;
                nextChurn += churnEvery;
            }
            for (Conn p : producers) {
                tickProducer(p, now);
            }
            streams.removeIf(s -> s.ch == null);
            for (Conn s : streams) {
                if (now > s.untilNanos) {
                    closeQuietly(s);
                    streamsAborted++;
                }
            }
            if (now >= nextStream && streams.size() < a.streams) {
                Conn s = new Conn(Kind.STREAM, 0);
                s.untilNanos = now + (500 + random.nextInt(4500)) * 1_000_000L;
                streams.add(s);
                connect(s);
                streamsOpened++;
                nextStream = now + 500_000_000L;
            }
        }
    }

    private void pump(long millis) throws IOException {
        selector.select(millis);
        for (SelectionKey key : selector.selectedKeys()) {
            Conn c = (Conn) key.attachment();
            try {
                if (key.isConnectable()) {
                    c.ch.finishConnect();
                    connected(c);
                } else if (key.isReadable()) {
                    read(c);
                }
            } catch (IOException | java.nio.channels.CancelledKeyException e) {
                serverClosed(c);
            }
        }
        selector.selectedKeys().clear();
    }

    private void connect(Conn c) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            c.ch = ch;
            c.startNanos = System.nanoTime();
            c.headDone = false;
            c.head.setLength(0);
            c.pending = null;
            if (ch.connect(new InetSocketAddress("127.0.0.1", a.port))) {
                connected(c);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            c.ch = null;
        }
    }

    private void connected(Conn c) throws IOException {
        String request = switch (c.kind) {
            case LISTENER -> "GET " + a.listenPath + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case CHECKER -> "GET " + c.checker.path + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case STREAM -> "GET /tone.mp3?seconds=30&pace=realtime HTTP/1.1\r\nHost: x\r\n\r\n";
            case PRODUCER -> "PUT /soak-" + c.index + ".mp3?format=f32le&rate=24000 HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n";
        };
        c.ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        c.ch.register(selector, SelectionKey.OP_READ, c);
        if (c.kind == Kind.PRODUCER) {
            c.nextWriteNanos = System.nanoTime();
        }
    }

    private void read(Conn c) throws IOException {
        readBuf.clear();
        int n = c.ch.read(readBuf);
        if (n < 0) {
            serverClosed(c);
            return;
        }
        readBuf.flip();
        while (!c.headDone && readBuf.hasRemaining()) {
            c.head.append((char) (readBuf.get() & 0xFF));
            c.headDone = c.head.length() >= 4 && c.head.substring(c.head.length() - 4).equals("\r\n\r\n");
        }
        if (c.kind == Kind.PRODUCER && c.headDone) {
            if (c.head.charAt(9) != '2') {
                producerRefusals++;
            }
            closeQuietly(c);  // the server answered: its session is over
        } else if (c.kind == Kind.CHECKER && c.headDone) {
            if (!c.head.toString().startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("checking listener " + c.checker.path + " refused: "
                        + c.head.toString().lines().findFirst().orElse(""));
            }
            c.checker.body(readBuf);
        }
    }

    private void serverClosed(Conn c) {
        closeQuietly(c);
        if (c.kind == Kind.LISTENER) {
            listenersDropped++;
            connect(c);
        } else if (c.kind == Kind.CHECKER && !c.checker.ended) {
            System.err.println("soak: the server closed checking listener " + c.checker.path);
        }
    }

    /** A producer pushes 100 ms of PCM every 100 ms while its session lasts, then pauses, then comes back. */
    private void tickProducer(Conn p, long now) {
        if (p.ch == null) {
            if (now >= p.untilNanos) {
                connect(p);
                producerSessions++;
                p.untilNanos = now + (5000 + random.nextInt(25_000)) * 1_000_000L;
            }
            return;
        }
        if (now >= p.untilNanos) {
            send(p, Pcm.lastChunk());  // the end; the answer closes it
            p.untilNanos = now + (1000 + random.nextInt(9000)) * 1_000_000L;
            p.nextWriteNanos = Long.MAX_VALUE;
            return;
        }
        if (p.ch.isConnected() && now >= p.nextWriteNanos) {
            send(p, hundredMillis(p.index));
            p.nextWriteNanos += 100_000_000L;
        }
    }

    private void send(Conn p, byte[] bytes) {
        try {
            ByteBuffer b = p.pending == null ? ByteBuffer.wrap(bytes) : concat(p.pending, bytes);
            p.ch.write(b);
            p.pending = b.hasRemaining() ? b : null;
        } catch (IOException e) {
            closeQuietly(p);
        }
    }

    private static ByteBuffer concat(ByteBuffer rest, byte[] more) {
        ByteBuffer b = ByteBuffer.allocate(rest.remaining() + more.length);
        b.put(rest).put(more).flip();
        return b;
    }

    /** 100 ms of a tone at 24 kHz, float32 LE, as one HTTP chunk; each producer its own pitch. */
    private static byte[] hundredMillis(int index) {
        return Pcm.chunk(Pcm.tone(2400, 1, 24000, 300 + 20 * index), "");
    }

    private void createProducerMounts() throws IOException {
        for (int i = 0; i < a.producers; i++) {
            Conn p = new Conn(Kind.PRODUCER, i);
            connect(p);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (p.ch != null && !p.ch.isConnected() && System.nanoTime() < deadline) {
                pump(5);
            }
            send(p, hundredMillis(i));
            send(p, Pcm.lastChunk());
            while (p.ch != null && System.nanoTime() < deadline) {
                pump(5);
            }
            closeQuietly(p);
        }
    }

    /** Closes every connection; a registered channel's socket is closed only by the next select, so select once. */
    private void stopLoad() throws IOException {
        for (List<Conn> list : List.of(listeners, producers, streams)) {
            list.forEach(this::closeQuietly);
        }
        for (SelectionKey k : selector.keys()) {
            closeQuietly((Conn) k.attachment());
        }
        selector.selectNow();
        selector.close();
    }

    private void closeQuietly(Conn c) {
        if (c.ch != null) {
            try {
                c.ch.close();
            } catch (IOException e) {
                // closing anyway
            }
            c.ch = null;
        }
    }


    private static long fds(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /** Command-line options; see the class comment and bench/run-soak.sh. */
    static final class Args {
        int port;
        long serverPid;
        String listenPath = "/stream.mp3";
        int minutes = 60;
        int listeners = 2000;
        int churnPct = 10;
        int producers = 20;
        int streams = 10;
        int settleSeconds = 70;
        boolean heap = true;
        String label = "mp3cast";
        Path out = Path.of(".");
        Path json;

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i += 2) {
                String v = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--port" -> a.port = Integer.parseInt(v);
                    case "--server-pid" -> a.serverPid = Long.parseLong(v);
                    case "--listen-path" -> a.listenPath = v;
                    case "--minutes" -> a.minutes = Integer.parseInt(v);
                    case "--listeners" -> a.listeners = Integer.parseInt(v);
                    case "--churn-pct" -> a.churnPct = Integer.parseInt(v);
                    case "--producers" -> a.producers = Integer.parseInt(v);
                    case "--streams" -> a.streams = Integer.parseInt(v);
                    case "--settle-seconds" -> a.settleSeconds = Integer.parseInt(v);
                    case "--label" -> a.label = v;
                    case "--out" -> a.out = Path.of(v);
                    case "--json" -> a.json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (a.port <= 0 || a.serverPid <= 0) {
                throw new IllegalArgumentException("--port and --server-pid: required");
            }
            return a;
        }
    }
}
