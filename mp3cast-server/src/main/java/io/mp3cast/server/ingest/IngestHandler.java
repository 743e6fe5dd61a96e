package io.mp3cast.server.ingest;

import io.mp3cast.server.http.ErrorLog;
import io.mp3cast.server.http.HttpRouter;
import io.mp3cast.server.http.Responses;
import io.mp3cast.server.http.Transport;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.server.live.MountRegistry;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import io.mp3cast.live.push.PlayoutState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.mp3cast.server.ops.AccessLog;
import io.mp3cast.server.ops.Drain;
import io.mp3cast.mp3.FrameHeader;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source's connection once it is admitted: its body's bytes go to its {@link Producer}, as
 * HTTP content (a chunked or sized {@code PUT}), as raw bytes (Icecast's shape: no length, no
 * chunking, until the connection closes; the HTTP codec is gone), or as binary WebSocket messages.
 *
 * <p><b>Backpressure.</b> When the mount's buffer is full ({@link Producer#write} says so), this
 * handler stops reading the socket ({@code autoRead} off) and asks the source to call back once
 * the pacer has played the buffer down; TCP then slows the producer. The same switch enforces
 * the body rate limit: a source that is ahead of {@code maxBytesPerSecond} is not read until its
 * bytes are due. Messages already decoded when reading stops are still taken (at most one read's
 * worth), so nothing is lost.
 *
 * <p><b>Endings.</b> A sized or chunked body ends with its last content: the source is closed and
 * the producer gets {@code 200} with what was pushed. A raw body or a WebSocket ends when the
 * connection or the socket closes. A source taken over by another, or a mount that stops, closes
 * the connection. Undecodable bodies get {@code 400} naming the problem: a bad WAV header, a
 * chunked body that is not valid chunked encoding, an MP3 push in which no frame was found, an
 * empty body. A mount that the refused source created and never fed is removed again; audio a
 * source had pushed before its body turned bad is kept and plays out. Refusals go through the
 * server's error path ({@link ErrorLog}: one line, a request id in the response).
 *
 * <p><b>Graceful stop.</b> On {@link Drain#START} the handler stops reading, closes its source
 * (what was read is kept) and asks the feed to drain; once the mount's buffer has played out the
 * producer gets {@code 503} (a WebSocket: close 1001, going away) saying how much was played, so it
 * can reconnect to another server.
 *
 * <p>Threading: on the channel's event loop; the source's callbacks hop onto it.
 */
final class IngestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    /** A source this far ahead of its byte rate limit stops being read until it is not. */
    private static final long RATE_SLACK_NANOS = 50_000_000;
    /**
     * A source that sends nothing for this long, while the server is reading, is disconnected, so a
     * producer whose connection died without a FIN does not hold its mount until TCP gives up.
     * Longer than Icecast's 10 s: a synthesizer may pause between utterances.
     */
    static final long SOURCE_TIMEOUT_NANOS = 30_000_000_000L;
    private static final long TIMEOUT_CHECK_SECONDS = 1;
    /** How long a drained producer's connection is half-open for the producer to read its answer and close. */
    static final long LINGER_MILLIS = 2000;

    enum Transport { HTTP_BODY, RAW, WEBSOCKET }

    private final LiveMount mount;
    private final Producer source;
    private final IngestBody body;
    private final Transport transport;
    private final HttpRequest request;
    private final HttpVersion version;
    private final long maxBytesPerSecond;
    private final ServerMetrics metrics;
    private final ErrorLog errors;
    /** Where the mount is registered, when this source created it: a refused first source takes it away again. */
    private final MountRegistry createdIn;
    private final AccessLog accessLog;
    /** The status the producer got (or gets), for the access log. */
    private int status;
    private long reportedBytes;
    private double reportedSeconds;
    private final long startNanos = System.nanoTime();
    private long lastBytesNanos = startNanos;
    private ChannelHandlerContext ctx;
    private long bytes;
    private long skippedLogged;
    private boolean pausedForRoom;
    private boolean pausedForRate;
    private boolean finished;

    IngestHandler(LiveMount mount, Producer source, IngestBody body, Transport transport, HttpRequest request,
                  int maxBodyKbps, ServerMetrics metrics, ErrorLog errors, MountRegistry createdIn, AccessLog accessLog) {
        this.mount = mount;
        this.source = source;
        this.body = body;
        this.transport = transport;
        this.request = request;
        this.version = request.protocolVersion();
        this.errors = errors;
        this.maxBytesPerSecond = maxBodyKbps * 1000L / 8;
        this.metrics = metrics;
        this.createdIn = createdIn;
        this.accessLog = accessLog;
        this.status = transport == Transport.WEBSOCKET ? 101 : 200;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        source.onDetached(() -> context.executor().execute(this::detached));
        context.channel().closeFuture().addListener(f -> accessLog.end(context.channel(), status, bytes));
        checkTimeoutLater();
    }

    private void checkTimeoutLater() {
        ctx.executor().schedule(this::checkTimeout, TIMEOUT_CHECK_SECONDS, TimeUnit.SECONDS);
    }

    private void checkTimeout() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        if (pausedForRoom || pausedForRate) {
            lastBytesNanos = now;  // the server chose not to read: the source is not idle
        } else if (now - lastBytesNanos > SOURCE_TIMEOUT_NANOS) {
            refuse(HttpResponseStatus.REQUEST_TIMEOUT, WebSocketCloseStatus.POLICY_VIOLATION, "source timeout: nothing for "
                    + SOURCE_TIMEOUT_NANOS / 1_000_000_000L + " s");
            return;
        }
        checkTimeoutLater();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        try {
            if (finished) {
                return;
            }
            if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
                refuse(HttpResponseStatus.BAD_REQUEST, WebSocketCloseStatus.PROTOCOL_ERROR, "body: not valid chunked"
                        + " encoding after " + bytes + " bytes: " + c.decoderResult().cause().getMessage());
            } else if (msg instanceof HttpContent c) {
                consume(c.content());
                if (msg instanceof LastHttpContent && transport == Transport.HTTP_BODY) {
                    end();
                }
            } else if (msg instanceof ByteBuf b) {
                consume(b);
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                consume(((io.netty.buffer.ByteBufHolder) msg).content());
            } else if (msg instanceof CloseWebSocketFrame) {
                end();
            } else if (msg instanceof PingWebSocketFrame ping) {
                context.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof TextWebSocketFrame) {
                refuse(HttpResponseStatus.BAD_REQUEST, WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                        "text messages not supported: send audio as binary messages");
            }
        } catch (IllegalArgumentException e) {
            refuse(HttpResponseStatus.BAD_REQUEST, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) {
        if (evt != Drain.START) {
            context.fireUserEventTriggered(evt);
            return;
        }
        if (finished) {
            return;
        }
        finished = true;
        context.channel().config().setAutoRead(false);
        reportReceived();
        closeSource(null);
        mount.push().orElseThrow().drain().whenComplete((v, e) -> {
            try {
                context.executor().execute(this::drained);
            } catch (RejectedExecutionException gone) {
                context.channel().close();
            }
        });
    }

    /** The mount played what this source pushed: tell the producer and hang up. */
    private void drained() {
        if (transport == Transport.WEBSOCKET) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server is stopping"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is stopping; " + summary() + ", all of it played", true,
                    null);
        }
    }

    /**
     * Closes without losing the answer: a producer may still be sending, and closing a socket with
     * unread bytes resets it, which can discard the answer at the producer. So: half-close (FIN),
     * drop what still arrives, and close when the producer does or after {@link #LINGER_MILLIS}.
     */
    private void lingeringClose(io.netty.channel.ChannelFuture written) {
        written.addListener(f -> {
            if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel d && d.isActive()) {
                d.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (!finished) {
            finished = true;
            closeSource(transport == Transport.HTTP_BODY ? "connection closed before the body ended" : null);
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{}: source {}: {}", mount.config().path(), source.origin(), cause.toString());
        } else {
            // A producer's broken framing (a WebSocket frame that is not masked, say) or a fault here: one line, no stack.
            boolean theirs = cause instanceof io.netty.handler.codec.DecoderException
                    || cause instanceof io.netty.handler.codec.CorruptedFrameException;
            errors.log(errors.nextId(), Responses.describe(request) + " (source " + mount.config().path() + ")",
                    context.channel().remoteAddress(), theirs ? 400 : 500, theirs ? "bad framing: connection closed"
                    : "internal error: connection closed", theirs ? null : cause);
        }
        context.close();
    }

    private void consume(ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return;
        }
        bytes += n;
        lastBytesNanos = System.nanoTime();
        boolean room = body.accept(content);
        reportReceived();
        logGarbage();
        if (!room && !pausedForRoom) {
            pausedForRoom = true;
            updateAutoRead();
            source.whenRoom(() -> ctx.executor().execute(() -> {
                pausedForRoom = false;
                updateAutoRead();
            }));
        }
        throttle();
    }

    /** Tells the metrics what arrived since the last call: bytes, and the audio they held. */
    private void reportReceived() {
        double seconds = audioSeconds();
        if (bytes > reportedBytes || seconds > reportedSeconds) {
            mount.countRead(bytes - reportedBytes);
            metrics.producerReceived(mount.config().path(), bytes - reportedBytes, Math.max(0, seconds - reportedSeconds));
            reportedBytes = bytes;
            reportedSeconds = Math.max(seconds, reportedSeconds);
        }
    }

    /** Seconds of audio taken so far: PCM sample frames, or MP3 frames at the stream's frame duration. */
    private double audioSeconds() {
        if (source.isMp3()) {
            FrameHeader h = mount.stream().lastHeader().orElse(null);
            return h == null ? 0 : (double) source.mp3FramesIn() * h.samplesPerFrame() / h.sampleRateHz();
        }
        return seconds();
    }

    private void throttle() {
        if (maxBytesPerSecond <= 0 || pausedForRate) {
            return;
        }
        long dueNanos = startNanos + bytes * 1_000_000_000L / maxBytesPerSecond;
        long ahead = dueNanos - System.nanoTime();
        if (ahead > RATE_SLACK_NANOS) {
            pausedForRate = true;
            updateAutoRead();
            ctx.executor().schedule(() -> {
                pausedForRate = false;
                updateAutoRead();
            }, ahead, TimeUnit.NANOSECONDS);
        }
    }

    private void updateAutoRead() {
        if (!finished) {
            ctx.channel().config().setAutoRead(!pausedForRoom && !pausedForRate);
        }
    }

    private void logGarbage() {
        long skipped = source.skippedBytes();
        if (skipped > skippedLogged && skippedLogged == 0) {
            LOG.warn("{}: source {} sent bytes that are no MP3 frame; skipping them (counted in status.json)",
                    mount.config().path(), source.origin());
        }
        skippedLogged = skipped;
    }

    /** A sized or chunked body, or a WebSocket, ended normally: 200, or 400 when nothing playable came. */
    private void end() {
        String problem = bytes == 0 ? "body: empty: nothing was pushed"
                : body.undecided() ? "body ended inside the WAV header, after " + bytes + " bytes"
                : source.isMp3() && source.mp3FramesIn() == 0 ? "body: no MP3 frame found in " + bytes + " bytes"
                : null;
        if (problem != null) {
            refuse(HttpResponseStatus.BAD_REQUEST, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, problem);
            return;
        }
        finished = true;
        closeSource(null);
        if (transport == Transport.WEBSOCKET) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        respond(HttpResponseStatus.OK, summary());
    }

    /** The body cannot be played: tell the producer why (one log line with a request id) and hang up. */
    private void refuse(HttpResponseStatus status, WebSocketCloseStatus wsStatus, String message) {
        if (finished) {
            return;
        }
        finished = true;
        metrics.producerRefused(status.code());
        String id = errors.nextId();
        errors.log(id, Responses.describe(request) + " (source " + mount.config().path() + ")", ctx.channel().remoteAddress(),
                status.code(), message + "; " + closeSourceQuietly() + " before", null);
        forgetCreatedMount();
        if (transport == Transport.WEBSOCKET) {
            this.status = status.code();
            ctx.writeAndFlush(new CloseWebSocketFrame(wsStatus.code(), truncate(message + " (request id " + id + ")", 120)))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            respond(status, message, false, id);
        }
    }

    /** Taken over by another source, or the mount stopped. */
    private void detached() {
        if (finished) {
            return;
        }
        finished = true;
        closeSource("detached: another source took over, or the mount stopped");
        if (transport == Transport.WEBSOCKET) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
                    "another source took over")).addListener(ChannelFutureListener.CLOSE);
        } else {
            respond(HttpResponseStatus.CONFLICT, "another source took over " + mount.config().path()
                    + ", or the mount stopped");
        }
    }

    /** Closes the source and logs what it pushed, with {@code problem} (null: none). */
    private void closeSource(String problem) {
        String line = closeSourceQuietly();
        if (problem == null) {
            LOG.info("{}: {}", mount.config().path(), line);
        } else {
            LOG.warn("{}: {}; {}", mount.config().path(), line, problem);
        }
    }

    /** Closes the source; returns what it pushed, in words, for the one line that reports it. */
    private String closeSourceQuietly() {
        source.close();
        reportReceived();
        metrics.producerDisconnected(mount.config().path(), bytes);
        String what = source.isMp3()
                ? String.format(Locale.ROOT, "%d MP3 frames, %d bytes of garbage skipped, %d bytes of ID3 tags",
                source.mp3FramesIn(), source.skippedBytes(), source.tagBytes())
                : String.format(Locale.ROOT, "%.3f s of %s", seconds(), source.describe());
        return "source " + source.origin() + " ended after " + bytes + " bytes: " + what + dropped();
    }

    /** A mount this producer created and never fed (its body was refused) goes away, unless someone came meanwhile. */
    private void forgetCreatedMount() {
        PushFeed feed = mount.push().orElseThrow();
        if (createdIn != null && feed.playoutState() == PlayoutState.IDLE && feed.producersConnected() == 1
                && mount.listeners() == 0) {
            createdIn.remove(mount.config().path(), mount, "its first producer was refused");
        }
    }

    private String summary() {
        String what = source.isMp3()
                ? source.mp3FramesIn() + " MP3 frames" + (source.skippedBytes() > 0
                ? " (" + source.skippedBytes() + " bytes of garbage skipped)" : "")
                : String.format(Locale.ROOT, "%.3f s of %s", seconds(), source.describe());
        return "pushed " + what + " to " + mount.config().path() + dropped()
                + (body.ignoredBytes() > 0 ? "; " + body.ignoredBytes() + " bytes after the WAV data ignored" : "");
    }

    private String dropped() {
        long n = source.droppedBytes();
        String what = source.isMp3() ? " of a last frame cut short" : " of an incomplete last sample frame";
        return n > 0 ? "; " + n + (n == 1 ? " byte" : " bytes") + what + " dropped" : "";
    }

    private double seconds() {
        PcmFormat f = source.pcmFormat().orElse(null);
        return f == null ? 0 : (double) source.sampleFramesIn() / f.sampleRateHz();
    }

    /** A final response, then the connection closes: through the HTTP codec if it is there, else as raw bytes. */
    private void respond(HttpResponseStatus status, String message) {
        respond(status, message, false, null);
    }

    /** The final answer (with {@code requestId} when it is a refusal), through the HTTP codec if it is there, else raw. */
    private void respond(HttpResponseStatus status, String message, boolean linger, String requestId) {
        this.status = status.code();
        ctx.channel().config().setAutoRead(true);
        if (ctx.pipeline().get(HttpRouter.CODEC) != null) {
            FullHttpResponse res = Responses.text(version, status, message);
            if (requestId != null) {
                res.headers().set(Responses.REQUEST_ID, requestId);
            }
            Responses.common(res.headers());
            io.netty.handler.codec.http.HttpUtil.setContentLength(res, res.content().readableBytes());
            io.netty.handler.codec.http.HttpUtil.setKeepAlive(res, false);
            close(ctx.writeAndFlush(res), linger);
        } else {
            close(ctx.writeAndFlush(Responses.raw(ctx.alloc(), version, status, message, requestId)), linger);
        }
    }

    private void close(io.netty.channel.ChannelFuture written, boolean linger) {
        if (linger) {
            lingeringClose(written);
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
