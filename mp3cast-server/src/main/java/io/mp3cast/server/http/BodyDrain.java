package io.mp3cast.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads the rest of a request body that was answered without being read (an error, a refused
 * push) and drops it, then closes: a client still sending its body sees the answer rather than a
 * connection reset (closing a socket with unread bytes resets it). Bounded: at most
 * {@link #LIMIT_BYTES}, for at most {@link #LIMIT_MILLIS}, so a client trickling a body gains
 * nothing.
 */
public final class BodyDrain extends ChannelInboundHandlerAdapter {
    static final long LIMIT_BYTES = 4L << 20;
    static final long LIMIT_MILLIS = 5000;
    private long bytes;

    private BodyDrain() {}

    /** Puts a drain in place of the handler of {@code ctx}, which has answered the request. */
    public static void install(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) { // the connection is already closing: nothing left to drain
            ctx.channel().close();
            return;
        }
        ctx.pipeline().replace(ctx.handler(), "drain", new BodyDrain());
        ConnectionTimer.limit(ctx.channel(), LIMIT_MILLIS, "draining a body after its answer");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpContent c) {
                bytes += c.content().readableBytes();
            }
            if (msg instanceof LastHttpContent || bytes > LIMIT_BYTES || !(msg instanceof HttpContent)) {
                ctx.channel().config().setAutoRead(false);
                ctx.channel().close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
