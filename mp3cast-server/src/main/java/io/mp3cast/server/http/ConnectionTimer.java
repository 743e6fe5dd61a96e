package io.mp3cast.server.http;

import io.mp3cast.server.ConnectionLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that stays too long in a state where it holds the server's resources
 * without doing anything useful: open with no byte of a request ({@link ConnectionLimits#idleTimeoutMillis()}),
 * sending its request head ({@link ConnectionLimits#headerTimeoutMillis()} from the first byte, so
 * a head trickled a byte at a time gains nothing: {@code 408} and close), or any state a handler
 * bounds with {@link #limit} (a refused body being drained). Once a request head is in, the
 * handler that answers it owns its timing ({@link #requestReceived}); a kept-alive connection
 * waits for its next request again ({@link #awaitNextRequest}).
 *
 * <p>It sits before the HTTP codec, so it sees the first raw byte. One per channel, on its event
 * loop; the static methods are no-ops on a channel without one.
 */
public final class ConnectionTimer extends ChannelInboundHandlerAdapter {
    public static final String NAME = "timer";

    private enum State { IDLE, HEAD, BUSY, LIMITED }

    private final ConnectionLimits limits;
    private final ErrorLog log;
    private ChannelHandlerContext ctx;
    private State state = State.BUSY;
    private ScheduledFuture<?> timeout;

    public ConnectionTimer(ConnectionLimits limits, ErrorLog log) {
        this.limits = limits;
        this.log = log;
    }

    /** A request head has arrived: its handler bounds what follows. */
    public static void requestReceived(Channel ch) {
        ConnectionTimer t = ch.pipeline().get(ConnectionTimer.class);
        if (t != null) {
            t.disarm(State.BUSY);
        }
    }

    /** A response was sent on a kept-alive connection: the next request must begin within the idle timeout. */
    public static void awaitNextRequest(Channel ch) {
        ConnectionTimer t = ch.pipeline().get(ConnectionTimer.class);
        if (t != null) {
            t.runOnLoop(t::idle);
        }
    }

    /** Closes the connection unless something else does within {@code millis} ({@code what} is logged). */
    public static void limit(Channel ch, long millis, String what) {
        ConnectionTimer t = ch.pipeline().get(ConnectionTimer.class);
        if (t != null) {
            t.runOnLoop(() -> t.arm(State.LIMITED, millis, () -> t.expired(what, millis, false)));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        idle();
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            long millis = bound(limits.headerTimeoutMillis());
            arm(State.HEAD, millis, () -> expired("request head not complete", millis, true));
        }
        context.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        disarm(State.BUSY);
        context.fireChannelInactive();
    }

    private void idle() {
        if (ctx.channel().isActive()) {
            long millis = bound(limits.idleTimeoutMillis());
            arm(State.IDLE, millis, () -> expired("no request", millis, false));
        }
    }

    /** A connection let in past a cap (to show an exempt path) gets no more than a short while. */
    private long bound(long millis) {
        return ConnectionGuard.overCap(ctx.channel()) == null ? millis
                : Math.min(millis, ConnectionGuard.OVER_CAP_TIMEOUT_MILLIS);
    }

    private void arm(State next, long millis, Runnable onExpiry) {
        disarm(next);
        timeout = ctx.executor().schedule(onExpiry, millis, TimeUnit.MILLISECONDS);
    }

    private void disarm(State next) {
        state = next;
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void runOnLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /**
     * The state lasted too long: a client in the middle of its head gets 408 (logged); an idle one,
     * as a kept-alive browser connection is, is closed without a word; one let in past a cap gets
     * the 503 it would have had at once.
     */
    private void expired(String what, long millis, boolean answer) {
        timeout = null;
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        ch.config().setAutoRead(false);
        String overCap = ConnectionGuard.overCap(ch);
        if (!answer && overCap == null) {
            ch.close();
            return;
        }
        HttpResponseStatus status = overCap != null ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.REQUEST_TIMEOUT;
        String message = overCap != null ? "service unavailable: " + overCap + "; try again later"
                : "request timeout: " + what + " within " + millis + " ms";
        String id = log.nextId();
        log.log(id, "connection", ch.remoteAddress(), status.code(), overCap != null ? overCap : what + " within " + millis
                + " ms", null);
        ctx.writeAndFlush(Responses.raw(ctx.alloc(), HttpVersion.HTTP_1_1, status, message, id))
                .addListener(ChannelFutureListener.CLOSE);
        // A client that does not even take the answer is cut off shortly after.
        ctx.executor().schedule(() -> ch.close(), 1, TimeUnit.SECONDS);
    }
}
