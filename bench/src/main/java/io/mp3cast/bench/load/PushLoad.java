package io.mp3cast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Producers and listeners of push mounts, for the play-out benchmarks (bench/run-playout-bench.sh):
 * each producer opens its own connection and pushes a float32 tone with a chunked {@code PUT} to its
 * own mount ({@code PREFIX<i>.mp3}, created by the push), {@code --piece-ms} at a time at
 * {@code --speed} times real time by an absolute schedule, writing only while its socket takes
 * more (the server's backpressure holds a producer that is ahead). Each mount gets
 * {@code --listeners} listeners once its producer has sent its first piece. After {@code --settle}
 * seconds, a window of {@code --seconds}: a listener kept up when it received at least the window's
 * audio less one second (at {@code --kbps}, the mounts' constant bitrate); a producer kept up when it
 * sent its schedule's audio less one second. With {@code --leave-after}, producers end their
 * bodies after that many seconds and listeners are not started. Prints one JSON line.
 *
 * <pre>
 * PushLoad --base http://127.0.0.1:8000 --producers 1000 --listeners 1 --rate 24000 --channels 1
 *          --speed 1 --piece-ms 100 --kbps 64 --settle 15 --seconds 30 [--prefix /s] [--ramp 200]
 * </pre>
 */
public final class PushLoad {
    private final Map<String, String> a;
    private final String host;
    private final int port;
    private final int rate;
    private final int channels;
    private final double speed;
    private final int pieceMillis;
    private final int kbps;
    private final byte[] piece;
    private final List<Producer> producers = new ArrayList<>();
    private final List<Counter> listeners = new ArrayList<>();
    private Bootstrap bootstrap;

    private PushLoad(Map<String, String> args) {
        this.a = args;
        java.net.URI base = java.net.URI.create(arg("base", "http://127.0.0.1:8000"));
        this.host = base.getHost();
        this.port = base.getPort();
        this.rate = num("rate", 24000);
        this.channels = num("channels", 1);
        this.speed = Double.parseDouble(arg("speed", "1"));
        this.pieceMillis = num("piece-ms", 100);
        this.kbps = num("kbps", 64);
        this.piece = Pcm.tone(rate * pieceMillis / 1000, channels, rate, 440);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new PushLoad(args).run();
    }

    private String arg(String name, String fallback) {
        return a.getOrDefault(name, fallback);
    }

    private int num(String name, int fallback) {
        return Integer.parseInt(arg(name, "" + fallback));
    }

    private void run() throws Exception {
        int n = num("producers", 10);
        int perMount = num("listeners", 1);
        int ramp = num("ramp", 200);
        double leaveAfter = Double.parseDouble(arg("leave-after", "0"));
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(num("threads", 2),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        try {
            String prefix = arg("prefix", "/s");
            for (int i = 0; i < n; i++) {
                Producer p = new Producer(prefix + i + ".mp3", leaveAfter, perMount);
                producers.add(p);
                connect(p);
                Thread.sleep(1000L / Math.max(1, ramp));
            }
            if (leaveAfter > 0) {
                awaitProducersDone((long) (leaveAfter * 1000) + 30_000);
                report(0);
                return;
            }
            Thread.sleep(num("settle", 15) * 1000L);
            producers.forEach(Producer::openWindow);
            synchronized (listeners) {
                listeners.forEach(Counter::openWindow);
            }
            int seconds = num("seconds", 30);
            Thread.sleep(seconds * 1000L);
            report(seconds);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private void connect(ChannelInboundHandlerAdapter handler) {
        bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handler);
            }
        }).connect(new InetSocketAddress(host, port));
    }

    private void awaitProducersDone(long limitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMillis;
        while (System.currentTimeMillis() < deadline && producers.stream().anyMatch(p -> !p.done)) {
            Thread.sleep(100);
        }
    }

    private void report(int seconds) {
        long windowNanos = seconds * 1_000_000_000L;
        long needBytes = Math.max(0, (windowNanos - 1_000_000_000L) / 1000 * kbps / 8 / 1_000_000);
        int producersKept = 0;
        int failed = 0;
        for (Producer p : producers) {
            producersKept += p.keptUp(windowNanos) ? 1 : 0;
            failed += p.failure != null ? 1 : 0;
        }
        int listenersKept = 0;
        int listenersFailed = 0;
        synchronized (listeners) {
            for (Counter c : listeners) {
                listenersKept += c.windowBytes() >= needBytes ? 1 : 0;
                listenersFailed += c.failure != null ? 1 : 0;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("producers", producers.size());
        out.put("producers_failed", failed);
        out.put("producers_kept_up", producersKept);
        out.put("producers_refused", producers.stream().filter(p -> p.refused).count());
        out.put("listeners", listeners.size());
        out.put("listeners_failed", listenersFailed);
        out.put("listeners_kept_up", listenersKept);
        out.put("window_seconds", seconds);
        out.put("audio_sent_seconds", producers.stream().mapToLong(p -> p.sentPieces).sum() * pieceMillis / 1000.0);
        System.out.println(Json.line(out));
    }

    /** One producer: a chunked PUT paced by an absolute schedule, written only while the socket takes it. */
    private final class Producer extends ChannelInboundHandlerAdapter {
        final String path;
        final double leaveAfterSeconds;
        final int listenersToStart;
        long startNanos;
        long sentPieces;
        long windowStartNanos = -1;
        long windowStartPieces;
        volatile boolean done;
        volatile boolean refused;
        volatile String failure;
        private ChannelHandlerContext ctx;
        private ScheduledFuture<?> timer;
        private boolean ended;
        private boolean listenersStarted;

        Producer(String path, double leaveAfterSeconds, int listenersToStart) {
            this.path = path;
            this.leaveAfterSeconds = leaveAfterSeconds;
            this.listenersToStart = listenersToStart;
        }

        @Override
        public void channelActive(ChannelHandlerContext c) {
            ctx = c;
            String head = "PUT " + path + "?format=f32le&rate=" + rate + "&channels=" + channels + " HTTP/1.1\r\n"
                    + "Host: " + host + ":" + port + "\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n";
            c.writeAndFlush(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
            startNanos = System.nanoTime();
            timer = c.executor().scheduleAtFixedRate(this::send, 0, Math.max(1, (long) (pieceMillis / speed / 2)),
                    TimeUnit.MILLISECONDS);
        }

        void openWindow() {
            ctx.executor().execute(() -> {
                windowStartNanos = System.nanoTime();
                windowStartPieces = sentPieces;
            });
        }

        boolean keptUp(long windowNanos) {
            if (windowStartNanos < 0 || failure != null) {
                return false;
            }
            long due = (long) (windowNanos / 1e6 * speed / pieceMillis);
            return sentPieces - windowStartPieces >= due - Math.ceil(1000.0 * speed / pieceMillis);
        }

        private void send() {
            if (ended) {
                return;
            }
            long elapsed = System.nanoTime() - startNanos;
            if (leaveAfterSeconds > 0 && elapsed >= leaveAfterSeconds * 1e9) {
                ended = true;
                ctx.writeAndFlush(Unpooled.copiedBuffer("0\r\n\r\n", StandardCharsets.ISO_8859_1));
                return;
            }
            long due = (long) (elapsed / 1e6 * speed / pieceMillis) + 1;
            boolean wrote = false;
            while (sentPieces < due && ctx.channel().isWritable()) {
                ByteBuf chunk = ctx.alloc().buffer(piece.length + 16);
                chunk.writeCharSequence(Integer.toHexString(piece.length) + "\r\n", StandardCharsets.ISO_8859_1);
                chunk.writeBytes(piece);
                chunk.writeCharSequence("\r\n", StandardCharsets.ISO_8859_1);
                ctx.write(chunk);
                sentPieces++;
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
            if (wrote && !listenersStarted && listenersToStart > 0) {
                listenersStarted = true;
                ctx.executor().schedule(this::startListeners, 500, TimeUnit.MILLISECONDS);
            }
        }

        private void startListeners() {
            for (int i = 0; i < listenersToStart; i++) {
                Counter c = new Counter(path);
                synchronized (listeners) {
                    listeners.add(c);
                }
                connect(c);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext c) {
            if (c.channel().isWritable()) {
                send();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            String text = b.toString(StandardCharsets.ISO_8859_1);
            b.release();
            if (text.startsWith("HTTP/1.1 4") || text.startsWith("HTTP/1.1 5")) {
                refused = true;
                failure = text.lines().findFirst().orElse(text);
            }
            done = true;
            c.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (timer != null) {
                timer.cancel(false);
            }
            if (!ended && failure == null) {
                failure = "closed";
            }
            done = true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            failure = cause.toString();
            c.close();
        }
    }

    /** One listener: counts body bytes, and those received in the window. */
    private final class Counter extends ChannelInboundHandlerAdapter {
        final String path;
        long bytes;
        long windowStart = -1;
        volatile long windowBytes;
        volatile String failure;
        private boolean inBody;

        Counter(String path) {
            this.path = path;
        }

        @Override
        public void channelActive(ChannelHandlerContext c) {
            c.writeAndFlush(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\n\r\n", StandardCharsets.ISO_8859_1));
        }

        void openWindow() {
            windowStart = -2;  // taken on the next read, on the channel's loop
        }

        long windowBytes() {
            return windowBytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            int n = b.readableBytes();
            if (!inBody) {
                String text = b.toString(StandardCharsets.ISO_8859_1);
                if (!text.startsWith("HTTP/1.1 200")) {
                    failure = text.lines().findFirst().orElse(text);
                    b.release();
                    c.close();
                    return;
                }
                int end = text.indexOf("\r\n\r\n");
                inBody = end >= 0;
                n = inBody ? n - end - 4 : 0;
            }
            b.release();
            bytes += n;
            if (windowStart == -2) {
                windowStart = bytes;
            }
            if (windowStart >= 0) {
                windowBytes = bytes - windowStart;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            failure = cause.toString();
            c.close();
        }
    }
}
