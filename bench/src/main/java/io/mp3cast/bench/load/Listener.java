package io.mp3cast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One simulated listener: sends a GET, reads the response head, then the body (HTTP chunks or
 * raw), finds the MP3 frames in it and compares the audio received with the clock.
 *
 * <p>Its <em>lead</em> is the audio received minus the time since its first whole frame: the
 * buffer a player that started then would hold. On joining a live mount it gets a burst, so its
 * lead starts at about the burst's length; the highest lead seen before the measured window is
 * its reference. Its <em>lag</em> is how far its lead has fallen below that reference: 0 when the
 * server keeps up (plus the server's batching interval), growing without bound when the listener
 * falls behind real time.
 *
 * <p>Threading: everything runs on the channel's event loop, except the getters, which the main
 * thread reads after the loops have stopped.
 */
final class Listener extends ChannelInboundHandlerAdapter {
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final byte[] request;
    private final long holdNanos;
    private final Runnable onDone;
    private final byte[] head = new byte[MAX_HEAD_BYTES];
    private final Mp3Sync sync = new Mp3Sync();
    private final Dechunker dechunker = new Dechunker();
    private int headLength;
    private boolean inBody;
    private boolean chunked;
    private int status;
    private String failure;
    private volatile Channel ch;
    private boolean done;

    final long startNanos;
    long connectedNanos;
    /** The first byte of the response (its status line), as curl's time_starttransfer. */
    long responseNanos;
    /** The first byte of the body: audio. */
    long firstByteNanos;
    long bodyBytes;
    long closedNanos;
    /** Lag bookkeeping, in microseconds of audio. */
    private long leadRef = Long.MIN_VALUE;
    private boolean inWindow;
    private boolean windowClosed;
    long windowStartAudio = -1;
    long windowAudio = -1;
    long maxLagMicros;
    long endLagMicros = -1;
    boolean activeAtEnd;

    /**
     * @param holdNanos how long to stay after the first whole frame before closing; negative to stay
     * @param onDone    called once, on the loop, when the first frame has come or the request failed
     */
    Listener(String host, int port, String path, String httpVersion, long holdNanos, Runnable onDone) {
        this.request = ("GET " + path + " " + httpVersion + "\r\nHost: " + host + ":" + port
                + "\r\nUser-Agent: mp3cast-load/1\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.holdNanos = holdNanos;
        this.onDone = onDone;
        this.startNanos = System.nanoTime();
    }

    /** The channel being connected; set before the connect completes. */
    void attach(Channel channel) {
        ch = channel;
    }

    Channel channel() {
        return ch;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ch = ctx.channel();
        connectedNanos = System.nanoTime();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            long now = System.nanoTime();
            if (responseNanos == 0 && buf.isReadable()) {
                responseNanos = now;
            }
            if (!inBody) {
                readHead(ctx, buf);
                if (!inBody || !buf.isReadable()) {
                    return;
                }
            }
            if (firstByteNanos == 0) {
                firstByteNanos = now;
            }
            int before = buf.readableBytes();
            if (chunked) {
                dechunker.feed(buf, sync, now);
            } else {
                bodyBytes += before;
                sync.feed(buf, buf.readerIndex(), buf.writerIndex(), now);
            }
            afterFrames(ctx, now);
        } finally {
            buf.release();
        }
    }

    private void afterFrames(ChannelHandlerContext ctx, long now) {
        if (sync.firstFrameNanos() == 0) {
            return;
        }
        if (!done) {
            done = true;
            onDone.run();
            if (holdNanos >= 0) {
                ctx.executor().schedule(() -> ctx.close(), holdNanos, TimeUnit.NANOSECONDS);
            }
        }
        long lead = lead(now);
        if (inWindow) {
            maxLagMicros = Math.max(maxLagMicros, leadRef - lead);
        } else if (!windowClosed) {
            leadRef = Math.max(leadRef, lead);
        }
    }

    private long lead(long now) {
        return sync.audioMicros() - (now - sync.firstFrameNanos()) / 1000;
    }

    /** The measured window starts: from now on the lag counts. Runs on the loop. */
    void startWindow() {
        long now = System.nanoTime();
        if (sync.firstFrameNanos() != 0 && ch != null && ch.isActive()) {
            leadRef = Math.max(leadRef, lead(now));
            windowStartAudio = sync.audioMicros();
            inWindow = true;
        }
    }

    /** The measured window ends: the lag now, the audio received in the window. Runs on the loop. */
    void endWindow() {
        long now = System.nanoTime();
        activeAtEnd = inWindow && ch != null && ch.isActive();
        if (inWindow) {
            endLagMicros = Math.max(0, leadRef - lead(now));
            maxLagMicros = Math.max(maxLagMicros, endLagMicros);
            windowAudio = sync.audioMicros() - windowStartAudio;
        }
        inWindow = false;
        windowClosed = true;
    }

    private void readHead(ChannelHandlerContext ctx, ByteBuf buf) {
        while (buf.isReadable() && !inBody) {
            if (headLength == MAX_HEAD_BYTES) {
                fail(ctx, "response head over " + MAX_HEAD_BYTES + " bytes");
                buf.skipBytes(buf.readableBytes());
                return;
            }
            head[headLength++] = buf.readByte();
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                    && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                parseHead(ctx);
            }
        }
    }

    private void parseHead(ChannelHandlerContext ctx) {
        String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ");
        status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (status != 200 && status != 206) {
            fail(ctx, "HTTP " + status);
            return;
        }
        inBody = true;
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        if (failure == null) {
            failure = why;
        }
        if (!done) {
            done = true;
            onDone.run();
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closedNanos = System.nanoTime();
        if (!done) {
            failure = failure != null ? failure : (inBody ? "closed before a whole frame" : "closed before the response");
            done = true;
            onDone.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Marks a connect that never completed. */
    void connectFailed(Throwable cause) {
        failure = "connect: " + cause.getMessage();
        if (!done) {
            done = true;
            onDone.run();
        }
    }

    /** Closes the connection, resetting it (SO_LINGER 0 is set), so no TIME_WAIT is left behind. */
    void close() {
        if (ch != null) {
            ch.close();
        }
    }

    String failure() {
        return failure;
    }

    /** From the start of the connect to the first byte of the response (status line). */
    long timeToResponseNanos() {
        return responseNanos == 0 ? -1 : responseNanos - startNanos;
    }

    /** From the start of the connect to the first byte of the body. */
    long timeToFirstByteNanos() {
        return firstByteNanos == 0 ? -1 : firstByteNanos - startNanos;
    }

    long timeToFirstFrameNanos() {
        return sync.firstFrameNanos() == 0 ? -1 : sync.firstFrameNanos() - startNanos;
    }

    boolean startedOnFrameBoundary() {
        return sync.startedOnBoundary();
    }

    long audioMicros() {
        return sync.audioMicros();
    }

    long frames() {
        return sync.frames();
    }

    /** Strips HTTP/1.1 chunk framing, handing the payload bytes to the frame finder. */
    private final class Dechunker {
        private static final int SIZE = 0;
        private static final int SIZE_LF = 1;
        private static final int DATA = 2;
        private static final int DATA_CR = 3;
        private static final int DATA_LF = 4;
        private static final int EXTENSION = 5;
        private static final int ENDED = 6;
        private int state;
        private int size;
        private int left;

        void feed(ByteBuf buf, Mp3Sync out, long now) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                if (state == DATA) {
                    int n = Math.min(left, end - i);
                    out.feed(buf, i, i + n, now);
                    bodyBytes += n;
                    i += n;
                    left -= n;
                    if (left == 0) {
                        state = DATA_CR;
                    }
                    continue;
                }
                byte b = buf.getByte(i++);
                switch (state) {
                    case SIZE -> {
                        int digit = Character.digit(b, 16);
                        if (digit >= 0) {
                            size = size * 16 + digit;
                        } else if (b == '\r') {
                            state = SIZE_LF;
                        } else if (b == ';') {
                            state = EXTENSION;
                        }
                    }
                    case EXTENSION -> state = b == '\r' ? SIZE_LF : EXTENSION;
                    case SIZE_LF -> {
                        left = size;
                        size = 0;
                        state = left == 0 ? ENDED : DATA;
                    }
                    case DATA_CR -> state = DATA_LF;
                    case DATA_LF -> state = SIZE;
                    default -> i = end;
                }
            }
        }
    }
}
