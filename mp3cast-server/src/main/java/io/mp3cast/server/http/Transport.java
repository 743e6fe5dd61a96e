package io.mp3cast.server.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops' I/O: epoll where its native library loads (cheaper per write, less garbage), NIO
 * elsewhere. io_uring (Linux 5.10 and later) when asked for with the system property
 * {@code mp3cast.transport=io_uring} ({@code epoll} and {@code nio} may be asked for too); if it
 * does not load, the best of the others, and the log says why.
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    /** The system property that asks for a transport. */
    public static final String PROPERTY = "mp3cast.transport";

    /** The transport asked for with {@link #PROPERTY} if it loads, else epoll if it loads, else NIO. */
    public static Transport best() {
        String asked = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (!asked.isEmpty() && !asked.equals("auto")) {
            Transport t;
            try {
                t = valueOf(asked.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + " not supported: '" + asked + "' (io_uring, epoll, nio, auto)");
            }
            String why = t.unavailability();
            if (why == null) {
                return t;
            }
            LOG.warn("{}={} does not load here ({}); using the best of the others", PROPERTY, asked, why);
        }
        return EPOLL.unavailability() == null ? EPOLL : NIO;
    }

    /** Why this transport cannot run here, or null if it can. */
    private String unavailability() {
        try {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable() ? null : String.valueOf(IoUring.unavailabilityCause());
                case EPOLL -> Epoll.isAvailable() ? null : String.valueOf(Epoll.unavailabilityCause());
                case NIO -> null;
            };
        } catch (Throwable t) {  // a missing native jar surfaces as an Error
            return t.toString();
        }
    }

    public EventLoopGroup group(int threads) {
        IoHandlerFactory factory = switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new NamedThreads("mp3cast-io-" + name().toLowerCase(Locale.ROOT)),
                factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** For the server's own outgoing connections (relays), on the same event loops. */
    public Class<? extends Channel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
