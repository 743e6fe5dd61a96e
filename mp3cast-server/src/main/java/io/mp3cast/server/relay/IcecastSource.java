package io.mp3cast.server.relay;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.RelayStatus;
import io.mp3cast.server.RelayTarget;
import io.mp3cast.server.live.LiveMount;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mount pushing itself out to an Icecast ({@code relay-to}): mp3cast as Icecast's source client,
 * as libshout and ffmpeg are. {@code PUT /mount} with {@code Expect: 100-continue}, HTTP Basic and
 * the {@code ice-*} headers (name, description, genre, public, {@code ice-audio-info}); once Icecast
 * answers {@code 100 Continue} (or any {@code 2xx}), the mount's MP3 frames follow as the rest of the
 * connection, neither sized nor chunked. Title changes go to Icecast's {@code /admin/metadata}.
 * An {@code https} target gets both over TLS ({@link ClientTls}), its certificate checked.
 *
 * <p><b>Reading the mount.</b> Frames are read from the mount's {@link LiveStream} ring as a listener
 * reads them: an observer on the stream only schedules a read on this relay's event loop, so the
 * encoder (the publishing thread) never waits for the relay, and local listeners are served on their
 * own loops as before. A connection starts at the live edge; Icecast makes its own burst.
 *
 * <p><b>A slow Icecast.</b> While the connection is not writable (Netty's outbound buffer past its
 * high watermark), nothing is written. Once the relay is more than {@link #MAX_LAG_MICROS} of audio
 * behind the mount, the frames between are dropped and counted ({@link RelayStatus#skippedFrames()}),
 * and the relay goes on from the live edge when Icecast reads again, on a frame boundary.
 *
 * <p><b>Reconnects.</b> A refused, failed or dropped connection is tried again after 1 s, then 2, 4,
 * ... 30 s ({@link Link}); the title is sent again on every new connection, since Icecast forgets it
 * with the source.
 *
 * <p>Threading: all state but the status counters is touched on one event loop of the server's.
 */
public final class IcecastSource implements StreamObserver {
    static final String USER_AGENT = "mp3cast/0.1 (relay)";
    private static final Logger LOG = LoggerFactory.getLogger(IcecastSource.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long ANSWER_TIMEOUT_MILLIS = 10_000;
    /** How far behind the mount a relay may fall, waiting for a slow Icecast, before frames are dropped. */
    static final long MAX_LAG_MICROS = 3_000_000;
    private static final int FRAMES_PER_WRITE = 64;
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int TITLE_ATTEMPTS = 3;

    private final LiveMount mount;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LiveStream stream;
    private final RelayTarget target;
    private final ClientTls tls;
    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final Link link;
    private final AtomicBoolean readScheduled = new AtomicBoolean();

    private Channel channel;
    private boolean streaming;
    private long next;
    /** The title Icecast has, or is being sent; null right after connecting, so the mount's goes out. */
    private String sentTitle;

    /** @param tls the target's TLS, null when it is plain HTTP */
    IcecastSource(LiveMount mount, RelayTarget target, ClientTls tls, EventLoop loop, Class<? extends Channel> channelType) {
        this.mount = mount;
        this.stream = mount.stream();
        this.target = target;
        this.tls = tls;
        this.loop = loop;
        this.channelType = channelType;
        this.link = new Link(target.display());
    }

    /** Starts relaying once the mount has audio (a push mount may have none yet). */
    public void start() {
        mount.keepRunning(true);  // Icecast's listeners are listening: an on-demand mount never stands by for them
        stream.addObserver(this);
        if (stream.head() > 0) {
            execute(this::connect);
        }
    }

    /** Disconnects and stops; idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            mount.keepRunning(false);
        }
        stream.removeObserver(this);
        execute(() -> {
            link.closed();
            if (channel != null) {
                channel.close();
            }
        });
    }

    public RelayStatus status() {
        return link.status();
    }

    public RelayTarget target() {
        return target;
    }

    // ---- publisher thread: only schedules

    @Override
    public void onFrames(LiveStream s, long head) {
        if (readScheduled.compareAndSet(false, true)) {
            execute(() -> {
                readScheduled.set(false);
                if (link.state() == Link.State.WAITING) {
                    connect();
                } else {
                    pump();
                }
            });
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // the server is shutting down its loops
        }
    }

    // ---- event loop

    private void connect() {
        if (link.state() == Link.State.CLOSED) {
            return;
        }
        link.connecting();
        new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.handler(ch, target.host(), target.port()));
                        }
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .connect(target.host(), target.port()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        retry("cannot connect: " + f.cause().getMessage());
                    } else if (link.state() == Link.State.CLOSED) {
                        f.channel().close();
                    } else {
                        channel = f.channel();
                    }
                });
    }

    private ByteBuf requestHead() {
        MountConfig c = mount.config();
        StringBuilder h = new StringBuilder("PUT ").append(target.mount()).append(" HTTP/1.1\r\n");
        header(h, "Host", target.host() + ":" + target.port());
        if (target.password() != null) {
            header(h, "Authorization", MetadataUpdate.basic(target.user(), target.password()));
        }
        header(h, "User-Agent", USER_AGENT);
        header(h, "Content-Type", "audio/mpeg");
        header(h, "Ice-Name", c.name());
        header(h, "Ice-Description", c.description());
        header(h, "Ice-Genre", c.genre());
        header(h, "Ice-Public", mount.isPublic() ? "1" : "0");
        stream.lastHeader().ifPresent(f -> {
            header(h, "Ice-Audio-Info", audioInfo(f));
            header(h, "Ice-Bitrate", Integer.toString(f.bitrateKbps()));
        });
        h.append("Expect: 100-continue\r\n\r\n");
        return Unpooled.wrappedBuffer(h.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Line breaks would end the header: a value never carries one. */
    private static void header(StringBuilder h, String name, String value) {
        h.append(name).append(": ").append(value.replaceAll("[\\r\\n]", " ")).append("\r\n");
    }

    private void accepted(String statusLine) {
        streaming = true;
        link.connected();
        next = stream.head();
        sentTitle = null;
        LOG.info("{}: relaying to {} ({})", mount.config().path(), target.display(), statusLine);
        pump();
    }

    /** Writes what the mount published since the last call, while Icecast reads; see the class comment. */
    private void pump() {
        if (!streaming || channel == null) {
            return;
        }
        sendTitleIfChanged();
        try {
            writeFrames();
        } catch (IllegalArgumentException overtaken) {
            skipTo(stream.head());  // the ring moved past the relay between a check and a read
        }
    }

    private void writeFrames() {
        long head = stream.head();
        if (next < stream.oldest() || !channel.isWritable() && stream.microsBehind(next) > MAX_LAG_MICROS) {
            skipTo(head);
            return;
        }
        boolean wrote = false;
        while (next < head && channel.isWritable()) {
            long to = Math.min(head, next + FRAMES_PER_WRITE);
            ByteBuf frames = channel.alloc().buffer(stream.bytesBetween(next, to));
            try {
                stream.read(next, to, frames::writeBytes);
            } catch (IllegalArgumentException overtaken) {
                frames.release();
                throw overtaken;
            }
            link.addBytes(frames.readableBytes());
            channel.write(frames, channel.voidPromise());
            next = to;
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void skipTo(long head) {
        long skipped = head - next;
        if (skipped > 0) {
            if (link.skippedFrames() == 0) {
                LOG.warn("{}: relay to {} fell behind; dropping {} frames and going on from the live edge",
                        mount.config().path(), target.display(), skipped);
            }
            link.addSkippedFrames(skipped);
        }
        next = head;
    }

    private void sendTitleIfChanged() {
        String title = mount.title();
        if (!title.equals(sentTitle)) {
            sentTitle = title;
            if (!title.isEmpty()) {
                sendTitle(title, 1);
            }
        }
    }

    /** Icecast may not have the source set up yet when the first title comes: tried again, a second apart. */
    private void sendTitle(String title, int attempt) {
        MetadataUpdate.send(loop, channelType, target, tls, title, problem -> {
            if (problem == null || !streaming || !title.equals(sentTitle)) {
                return;
            }
            if (attempt < TITLE_ATTEMPTS) {
                loop.schedule(() -> {
                    if (streaming && title.equals(sentTitle)) {
                        sendTitle(title, attempt + 1);
                    }
                }, 1, TimeUnit.SECONDS);
            } else {
                LOG.warn("{}: title for {} not taken: {}", mount.config().path(), target.display(), problem);
            }
        });
    }

    private void retry(String why) {
        streaming = false;
        channel = null;
        if (link.state() == Link.State.CLOSED) {
            return;
        }
        long delay = link.failed(why);
        LOG.warn("{}: relay to {}: {}; trying again in {} s", mount.config().path(), target.display(), why, delay / 1000.0);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** One connection: the request, Icecast's answer, then the stream until it closes. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final ByteBuf answer = Unpooled.buffer();
        private String failure;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.writeAndFlush(requestHead());
            ctx.executor().schedule(() -> {
                if (!streaming && ctx.channel().isActive() && failure == null) {
                    failure = "no answer to the PUT within " + ANSWER_TIMEOUT_MILLIS / 1000 + " s";
                    ctx.close();
                }
            }, ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!streaming && msg instanceof ByteBuf b && failure == null) {
                    answer.writeBytes(b);
                    readAnswer(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);  // after the answer, Icecast says nothing more
            }
        }

        private void readAnswer(ChannelHandlerContext ctx) {
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                if (answer.readableBytes() > MAX_HEAD_BYTES) {
                    failure = "an answer that is not HTTP";
                    ctx.close();
                }
                return;
            }
            String statusLine = text.lines().findFirst().orElse("");
            String[] parts = statusLine.split(" ", 3);
            int status = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
            if (status == 100 || status / 100 == 2) {
                answer.clear();
                accepted(statusLine);
                return;
            }
            String body = text.substring(end + 4).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
            failure = (status < 0 ? "an answer that is not HTTP: " + statusLine : "refused: " + statusLine.strip())
                    + (body.isEmpty() ? "" : " (" + (body.length() > 200 ? body.substring(0, 200) : body) + ")");
            ctx.close();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && failure == null) {
                failure = ClientTls.why(done.cause(), target.host(), target.port());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = ClientTls.why(cause, target.host(), target.port());
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.release();
            boolean wasStreaming = streaming;
            retry(failure != null ? failure : wasStreaming ? "connection closed by " + target.host() + ":" + target.port()
                    : "closed without an answer");
        }
    }

    /** {@code samplerate=24000;channels=1;bitrate=64}, as libshout writes {@code ice-audio-info}. */
    static String audioInfo(FrameHeader f) {
        return "samplerate=" + f.sampleRateHz() + ";channels=" + f.channelMode().channels() + ";bitrate=" + f.bitrateKbps();
    }
}
