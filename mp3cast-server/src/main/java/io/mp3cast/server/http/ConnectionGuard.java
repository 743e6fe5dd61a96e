package io.mp3cast.server.http;

import io.mp3cast.server.ConnectionLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Counts connections in all and per client address and turns away those past
 * {@link ConnectionLimits#maxConnections()} or {@link ConnectionLimits#maxConnectionsPerIp()}: the
 * connection is accepted (accepting never fails), answered {@code 503} and closed at once. IPv6
 * addresses count by their /64 network, which one host usually holds whole.
 *
 * <p><b>Exemptions.</b> Paths for which {@link #exempt} is true (health checks, say) are still
 * answered past the caps: such a connection is let in as far as its request head, up to
 * {@link #MAX_OVER_CAP} at once; the router then serves it if its path is exempt and refuses it
 * with {@code 503} otherwise ({@link #overCap}). Without exempt paths nothing past a cap is read.
 *
 * <p>One per server, shared by every channel; thread-safe.
 */
@ChannelHandler.Sharable
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    public static final String NAME = "guard";
    /** Connections past a cap let in to show an exempt path, at most. */
    static final int MAX_OVER_CAP = 64;
    /** Why a connection let in past a cap is over it; absent for every other connection. */
    private static final AttributeKey<String> OVER_CAP = AttributeKey.valueOf("mp3cast.overCap");
    /** A connection let in past a cap must send its request head within this long. */
    static final long OVER_CAP_TIMEOUT_MILLIS = 2000;

    private final ConnectionLimits limits;
    private final Predicate<String> exempt;
    private final boolean anyExempt;
    private final ErrorLog log;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger overCapOpen = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /**
     * @param exempt    paths answered past the caps; null for none
     */
    public ConnectionGuard(ConnectionLimits limits, Predicate<String> exempt, ErrorLog log) {
        this.limits = limits;
        this.anyExempt = exempt != null;
        this.exempt = exempt == null ? path -> false : exempt;
        this.log = log;
    }

    /** Connections open now (those being turned away included). */
    public int open() {
        return open.get();
    }

    /** Whether {@code path} is answered past the caps. */
    public boolean exempt(String path) {
        return exempt.test(path);
    }

    /** Why {@code ch} came past a cap (it may then only ask for an exempt path), or null when it did not. */
    public static String overCap(Channel ch) {
        return ch.attr(OVER_CAP).get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        InetAddress key = key(ch.remoteAddress());
        int total = open.incrementAndGet();
        AtomicInteger fromHere = key == null ? null : perAddress.computeIfAbsent(key, k -> new AtomicInteger());
        int here = fromHere == null ? 0 : fromHere.incrementAndGet();
        ch.closeFuture().addListener(f -> release(key, fromHere));
        String over = total > limits.maxConnections() ? "too many connections (" + limits.maxConnections() + ")"
                : limits.maxConnectionsPerIp() > 0 && here > limits.maxConnectionsPerIp()
                ? "too many connections from your address (" + limits.maxConnectionsPerIp() + ")" : null;
        if (over == null) {
            ctx.fireChannelActive();
        } else if (anyExempt && overCapOpen.incrementAndGet() <= MAX_OVER_CAP) {
            ch.attr(OVER_CAP).set(over);
            ch.closeFuture().addListener(f -> overCapOpen.decrementAndGet());
            ctx.fireChannelActive();
        } else {
            if (anyExempt) {
                overCapOpen.decrementAndGet();
            }
            refuse(ctx, over);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        String id = log.nextId();
        log.log(id, "connection", ch.remoteAddress(), 503, why, null);
        ctx.writeAndFlush(Responses.raw(ctx.alloc(), HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "service unavailable: " + why + "; try again later", id)).addListener(ChannelFutureListener.CLOSE);
    }

    private void release(InetAddress key, AtomicInteger fromHere) {
        open.decrementAndGet();
        if (fromHere != null && fromHere.decrementAndGet() == 0) {
            perAddress.remove(key, fromHere);
        }
    }

    /** The address a connection counts against: IPv4 as it is, IPv6 by its /64 network. */
    static InetAddress key(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return null;
        }
        InetAddress a = inet.getAddress();
        byte[] bytes = a.getAddress();
        if (bytes.length == 16) {
            try {
                return InetAddress.getByAddress(Arrays.copyOf(Arrays.copyOf(bytes, 8), 16));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);  // 16 bytes is always a valid address
            }
        }
        return a;
    }
}
