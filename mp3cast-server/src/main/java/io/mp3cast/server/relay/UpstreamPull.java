package io.mp3cast.server.relay;

import io.mp3cast.live.push.Pacing;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.Producer;
import io.mp3cast.server.RelayStatus;
import io.mp3cast.server.Upstream;
import io.mp3cast.server.live.IcyTitle;
import io.mp3cast.server.live.LiveMount;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay mount's producer ({@code relay:url=...}): an HTTP client that pulls an upstream MP3
 * stream (an Icecast mount, another mp3cast, any radio stream) and pushes it into the mount's
 * {@link PushFeed} as an MP3 producer, as a network producer would. So everything a push mount does
 * holds here: audio is played out at real time from the feed's bounded buffer, and while the
 * upstream is gone its listeners stay connected and hear silence, or the mount's fallback.
 *
 * <p><b>Request.</b> {@code GET} over HTTP/1.0 with {@code Icy-MetaData: 1} (as Icecast's own relays
 * ask), HTTP Basic when the URL has credentials, over TLS for {@code https} ({@link ClientTls}: the
 * certificate checked, a failure described in one line). A {@code 200} of MP3 ({@code audio/mpeg})
 * is relayed; ICY titles in it become the mount's title ({@link IcyDemux}). A redirect (301, 302,
 * 303, 307, 308) is followed, up to {@link #MAX_REDIRECTS} hops, never from https to http; it holds
 * for that connection only, so every reconnect starts from the configured URL again (an upstream
 * that moves back is found). Anything else is a failure.
 *
 * <p><b>Backpressure.</b> When the feed's buffer is full ({@link Producer#write} says so), the
 * socket is not read until the feed has room ({@link Producer#whenRoom}): TCP slows the upstream.
 *
 * <p><b>Reconnects and demand.</b> A failed or ended connection is tried again after 1 s, 2, 4 ...
 * 30 s ({@link Link}). With {@link Upstream#onDemand()}, it connects only while the mount has
 * listeners, and disconnects {@link #IDLE_GRACE_NANOS} after the last one left. A connection that
 * brings no bytes for {@link #SILENT_TIMEOUT_NANOS} (while it is read) is dropped and made again.
 *
 * <p><b>What it relies on.</b> Only the push feed's producer API: {@link PushFeed#connect},
 * {@link Producer#beginMp3}, {@link Producer#write(java.nio.ByteBuffer)}, {@link Producer#whenRoom},
 * {@link Producer#onDetached} and {@link Producer#close}; and the mount's listener count and title.
 *
 * <p>Threading: all state but the status counters is touched on one event loop of the server's.
 */
public final class UpstreamPull {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPull.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final long IDLE_GRACE_NANOS = 5_000_000_000L;
    static final long SILENT_TIMEOUT_NANOS = 10_000_000_000L;
    private static final long CHECK_MILLIS = 250;
    static final int MAX_REDIRECTS = 5;
    private static final int MAX_LOGGED_HOPS = 64;

    private final LiveMount mount;
    private final PushFeed feed;
    private final Upstream upstream;
    private final ClientTls tls;
    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final Link link;

    private final Set<String> loggedHops = new HashSet<>();

    private Channel channel;
    /** Where this connection goes: the configured upstream, or where it redirected to. */
    private Upstream target;
    private int hops;
    private Producer producer;
    private IcyDemux demux;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> checks;
    private boolean pausedForRoom;
    private long lastBytesNanos;
    private long lastListenerNanos;

    UpstreamPull(LiveMount mount, Upstream upstream, ClientTls tls, EventLoop loop, Class<? extends Channel> channelType) {
        this.mount = mount;
        this.feed = mount.push().orElseThrow(() -> new IllegalArgumentException(
                mount.config().path() + ": a relay mount must be a push mount"));
        this.upstream = upstream;
        this.target = upstream;
        this.tls = tls;
        this.loop = loop;
        this.channelType = channelType;
        this.link = new Link(upstream.display());
    }

    public void start() {
        execute(() -> {
            lastListenerNanos = System.nanoTime();
            if (!upstream.onDemand()) {
                connect();
            }
            checks = loop.scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    public void close() {
        execute(() -> {
            link.closed();
            if (checks != null) {
                checks.cancel(false);
            }
            cancelRetry();
            disconnect();
        });
    }

    public RelayStatus status() {
        return link.status();
    }

    public Upstream upstream() {
        return upstream;
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // the server is shutting down its loops
        }
    }

    /** Demand (on-demand mounts) and silent connections, four times a second. */
    private void check() {
        long now = System.nanoTime();
        boolean someone = mount.wanted();  // listeners, HLS clients lately, relay-to targets, fallback users
        boolean wanted = !upstream.onDemand() || someone;
        if (someone) {
            lastListenerNanos = now;
        }
        Link.State state = link.state();
        if (wanted && state == Link.State.WAITING) {
            connect();
        } else if (!wanted && now - lastListenerNanos > IDLE_GRACE_NANOS && state != Link.State.WAITING
                && state != Link.State.CLOSED) {
            LOG.info("{}: no one listening for {} s; disconnecting from {} until someone does", mount.config().path(),
                    IDLE_GRACE_NANOS / 1_000_000_000L, upstream.display());
            cancelRetry();
            link.waiting();
            disconnect();
        } else if (producer != null && !pausedForRoom && now - lastBytesNanos > SILENT_TIMEOUT_NANOS) {
            fail("no audio for " + SILENT_TIMEOUT_NANOS / 1_000_000_000L + " s");
        }
    }

    private void connect() {
        if (link.state() == Link.State.CLOSED || channel != null) {
            return;
        }
        link.connecting();
        hops = 0;
        open(upstream);
    }

    /** Connects to {@code to}: the upstream, or where it redirected this attempt. */
    private void open(Upstream to) {
        target = to;
        new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (to.tls()) {
                            ch.pipeline().addLast(tls.handler(ch, to.host(), to.port()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new Handler());
                    }
                })
                .connect(to.host(), to.port()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        retryLater("cannot connect: " + f.cause().getMessage() + at());
                    } else if (link.state() != Link.State.CONNECTING) {
                        f.channel().close();  // closed, or no longer wanted, while connecting
                    } else {
                        channel = f.channel();
                        channel.writeAndFlush(request());
                    }
                });
    }

    private FullHttpRequest request() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, target.pathAndQuery());
        req.headers().set(HttpHeaderNames.HOST, target.host() + ":" + target.port());
        req.headers().set(HttpHeaderNames.USER_AGENT, IcecastSource.USER_AGENT);
        req.headers().set(HttpHeaderNames.ACCEPT, "*/*");
        req.headers().set("Icy-MetaData", "1");
        target.password().ifPresent(p -> req.headers().set(HttpHeaderNames.AUTHORIZATION,
                MetadataUpdate.basic(target.user().orElse(""), p)));
        return req;
    }

    /** The upstream answered: a 200 of MP3 starts this mount's producer, a redirect is followed; anything else is a failure. */
    private void answered(HttpResponse res) {
        if (isRedirect(res.status())) {
            redirected(res);
            return;
        }
        if (res.status().code() != 200) {
            fail("HTTP " + res.status() + at());
            return;
        }
        String type = res.headers().get(HttpHeaderNames.CONTENT_TYPE, "audio/mpeg").toLowerCase(Locale.ROOT);
        if (!type.startsWith("audio/mpeg") && !type.startsWith("audio/mp3") && !type.startsWith("audio/x-mpeg")) {
            fail("the upstream sends " + type + ": only MP3 (audio/mpeg) can be relayed" + at());
            return;
        }
        Optional<Producer> admitted;
        try {
            admitted = feed.connect("relay " + upstream.display(), Pacing.REAL_TIME, false);
        } catch (IllegalStateException stopping) {
            disconnect();
            return;
        }
        if (admitted.isEmpty()) {
            fail("another producer feeds " + mount.config().path());
            return;
        }
        producer = admitted.get();
        producer.beginMp3();
        Producer mine = producer;
        producer.onDetached(() -> execute(() -> {
            if (producer == mine) {
                fail("detached from " + mount.config().path() + " (another producer took over, or it stopped)");
            }
        }));
        int metaint = parseMetaint(res.headers().get("icy-metaint"));
        demux = new IcyDemux(metaint, this::audio, this::title);
        lastBytesNanos = System.nanoTime();
        link.connected();
        LOG.info("{}: relaying {}{}", mount.config().path(), target.display(), metaint > 0 ? " (ICY titles)" : "");
    }

    private static boolean isRedirect(HttpResponseStatus status) {
        int code = status.code();
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** Follows a redirect on a new connection, this attempt only; a loop ends at {@link #MAX_REDIRECTS}. */
    private void redirected(HttpResponse res) {
        String location = res.headers().get(HttpHeaderNames.LOCATION);
        if (location == null || location.isBlank()) {
            fail("HTTP " + res.status() + " without a Location" + at());
            return;
        }
        if (hops == MAX_REDIRECTS) {
            fail("more than " + MAX_REDIRECTS + " redirects (a loop?), the last from " + target.display());
            return;
        }
        Upstream next;
        try {
            next = target.redirectedTo(location);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage() + " (HTTP " + res.status().code() + " from " + target.display() + ")");
            return;
        }
        logHop(res.status().code(), next);
        hops++;
        disconnect();
        open(next);
    }

    /** Each hop once at info (a reconnect follows the same hops again); then at debug. */
    private void logHop(int status, Upstream next) {
        String hop = target.display() + " -> " + next.display();
        if (loggedHops.size() < MAX_LOGGED_HOPS && loggedHops.add(hop)) {
            LOG.info("{}: {} redirects ({}) to {}", mount.config().path(), target.display(), status, next.display());
        } else {
            LOG.debug("{}: {} redirects ({}) to {}", mount.config().path(), target.display(), status, next.display());
        }
    }

    /** Where a failure happened, when that is not the configured upstream. */
    private String at() {
        return hops == 0 ? "" : " (at " + target.display() + ", redirected from " + upstream.display() + ")";
    }

    private static int parseMetaint(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void audio(ByteBuffer bytes) {
        link.addBytes(bytes.remaining());
        if (!producer.write(bytes) && !pausedForRoom) {
            pausedForRoom = true;
            channel.config().setAutoRead(false);
            Producer mine = producer;
            producer.whenRoom(() -> execute(() -> {
                if (producer == mine && channel != null) {
                    pausedForRoom = false;
                    lastBytesNanos = System.nanoTime();
                    channel.config().setAutoRead(true);
                }
            }));
        }
    }

    /** An upstream's title, cut to what a mount takes: a long one is no reason to drop the connection. */
    private void title(String title) {
        String clean = IcyTitle.checked(IcyTitle.cut(title, IcyTitle.MAX_CODE_POINTS));
        if (!clean.equals(mount.title())) {
            mount.setTitle(clean);
        }
    }

    private void fail(String why) {
        disconnect();
        retryLater(why);
    }

    /** Ends the producer (the feed plays out its buffer, then silence or the fallback) and the connection. */
    private void disconnect() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
        demux = null;
        pausedForRoom = false;
        if (channel != null) {
            Channel c = channel;
            channel = null;
            c.close();
        }
    }

    private void retryLater(String why) {
        Link.State state = link.state();
        if (state == Link.State.CLOSED || state == Link.State.WAITING || state == Link.State.RETRYING) {
            return;  // closed, no longer wanted, or already waiting to try again
        }
        long delay = link.failed(why);
        LOG.warn("{}: upstream {}: {}; trying again in {} s", mount.config().path(), upstream.display(), why,
                delay / 1000.0);
        retry = loop.schedule(() -> {
            retry = null;
            if (link.state() == Link.State.RETRYING) {
                link.waiting();
                if (!upstream.onDemand() || mount.wanted()) {
                    connect();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /** One connection to the upstream. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ctx.channel() != channel) {
                    return;
                }
                if (msg instanceof HttpResponse res) {
                    answered(res);
                }
                if (msg instanceof HttpContent content && demux != null) {
                    lastBytesNanos = System.nanoTime();
                    demux.feed(content.content());
                    if (msg instanceof LastHttpContent) {
                        fail("the upstream closed the connection");
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && ctx.channel() == channel) {
                fail(ClientTls.why(done.cause(), target.host(), target.port()) + at());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                fail(ClientTls.why(cause, target.host(), target.port()) + at());
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                fail("the upstream closed the connection");
            }
        }
    }
}
