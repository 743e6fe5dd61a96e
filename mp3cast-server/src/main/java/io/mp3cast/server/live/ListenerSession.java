package io.mp3cast.server.live;

import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.http.HttpWire;
import io.mp3cast.live.LiveStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener of a live mount: its position in the stream (the next frame it gets) and how its
 * bytes are framed (HTTP chunks or not, ICY metadata or not). Used on its channel's event loop only.
 * See {@link LiveMount} for the slow-listener policy.
 */
final class ListenerSession {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSession.class);

    final LiveMount mount;
    final Channel ch;
    final String remote;
    final boolean chunked;
    final IcyWriter icy;
    private final long joinedAtNanos = System.nanoTime();
    private final long queueMicros;
    private long position;
    /**
     * Bytes of the burst still queued in Netty, at most: they are the burst, not lag, so a listener
     * is dropped {@code queueMillis} after it stops reading, not sooner by the burst's length. Only
     * shrinks (the queue is first in, first out), so once the burst has left it counts for nothing.
     */
    private long burstQueuedBytes;
    private boolean ended;
    boolean dropped;
    /** Audio bytes written to this listener (ICY blocks and chunk framing not counted). */
    long bytes;

    ListenerSession(LiveMount mount, Channel ch, boolean chunked, IcyWriter icy) {
        this.mount = mount;
        this.ch = ch;
        this.remote = String.valueOf(ch.remoteAddress()).replaceFirst("^/", "");
        this.chunked = chunked;
        this.icy = icy;
        this.queueMicros = mount.config.queueMillis() * 1000L;
        int queueBytes = (int) Math.min(Integer.MAX_VALUE, (long) mount.config.queueMillis() * mount.bitrateKbps(128) / 8);
        int high = Math.max(8 * 1024, Math.min(64 * 1024, queueBytes / 4));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
    }

    /** Why the session ended: the server dropped it, ended it, or the client left. */
    ServerMetrics.Disconnect disconnect() {
        return dropped ? ServerMetrics.Disconnect.SLOW : ended ? ServerMetrics.Disconnect.STOP
                : ServerMetrics.Disconnect.CLIENT;
    }

    long secondsConnected() {
        return (System.nanoTime() - joinedAtNanos) / 1_000_000_000L;
    }

    /** Sends the burst {@code [from, to)} and continues from {@code to}. */
    void start(long from, long to) {
        position = from;
        if (to > from) {
            writeOwn(to);
        }
        burstQueuedBytes = pendingBytes();
        ch.flush();
    }

    void deliver(Batch batch, Lag lag) {
        if (ended || !ch.isActive() || position >= batch.to) {
            return;
        }
        if (fellTooFarBehind(lag)) {
            return;
        }
        if (!ch.isWritable()) {
            return;  // its frames wait in the ring; the lag check above decides when to give up
        }
        if (position == batch.from && chunked && icy == null) {
            int bytes = batch.payloadBytes();
            ch.writeAndFlush(batch.framed.retainedDuplicate(), ch.voidPromise());
            position = batch.to;
            this.bytes += bytes;
            mount.countSent(bytes);
        } else if (position >= batch.from) {
            // ICY or HTTP/1.0 listeners, or one that joined mid-batch: a slice of the shared batch, framed
            // for this listener; a copy of its own only for frames older than the batch (below).
            writePayload(batch.payloadFrom(position));
            position = batch.to;
            ch.flush();
        } else {
            writeOwn(batch.to);
            ch.flush();
        }
    }

    /** Sends what is left, ends the body and closes. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (ch.isActive()) {
            LiveStream stream = mount.stream;
            long head = stream.head();
            if (position < head && position >= stream.oldest()) {
                writeOwn(head);
            }
            if (chunked) {
                ch.write(HttpWire.lastChunk(), ch.voidPromise());
            }
        }
        ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Whether this listener is further behind than the queue bound, and so dropped. Listeners at the
     * batch's start (nearly all of them) use the figures {@code lag} took once for the batch.
     */
    private boolean fellTooFarBehind(Lag lag) {
        long lagMicros;
        if (position < lag.oldest()) {
            lagMicros = Long.MAX_VALUE;
        } else {
            long behind = position == lag.from() ? lag.fromMicrosBehind() : Lag.microsBehind(mount.stream, position);
            long pending = pendingBytes();
            burstQueuedBytes = Math.min(burstQueuedBytes, pending);
            lagMicros = behind == Long.MAX_VALUE ? behind
                    : behind + (pending - burstQueuedBytes) * 8000L / Math.max(8, lag.bitrateKbps());
        }
        if (lagMicros <= queueMicros) {
            return false;
        }
        dropped = true;
        LOG.warn("{}: dropping slow listener {}: {} ms behind, bound {} ms", mount.config.path(), remote,
                lagMicros == Long.MAX_VALUE ? "over " + mount.stream.settings().retainMillis() : lagMicros / 1000,
                mount.config.queueMillis());
        ended = true;
        ch.close();
        return true;
    }

    private long pendingBytes() {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Copies frames {@code [position, to)} from the ring into a buffer of this listener's own. */
    private void writeOwn(long to) {
        LiveStream stream = mount.stream;
        int bytes = stream.bytesBetween(position, to);
        ByteBuf payload = ch.alloc().directBuffer(bytes);
        stream.read(position, to, (data, off, len) -> payload.writeBytes(data, off, len));
        position = to;
        writePayload(payload);
    }

    /** Frames the payload for this listener (ICY, HTTP chunk) and writes it; takes ownership. */
    private void writePayload(ByteBuf payload) {
        int bytes = payload.readableBytes();
        ByteBuf out = icy == null ? payload : icy.interleave(ch.alloc(), payload);
        if (chunked) {
            out = HttpWire.chunk(ch.alloc(), out);
        }
        ch.write(out, ch.voidPromise());
        this.bytes += bytes;
        mount.countSent(bytes);
    }
}
