package io.mp3cast.server.streams;

import io.mp3cast.server.http.HttpWire;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.ops.AccessLog;
import io.mp3cast.source.AudioSource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per-request stream: its own source and encoder, sent as fast as the source produces.
 *
 * <p><b>Threading.</b> A worker thread (from the server's stream pool) owns the source and the
 * encoder: it opens the encoder (0.7 ms of LAME set-up, kept off the event loop, which would
 * otherwise hold up every other connection for it: 1000 requests at once waited 2 s for their
 * response head), reads, encodes, and writes each call's frames as one flushed chunk. Before each
 * read it waits while the channel is not writable, so a client that reads slowly slows the
 * source and memory stays bounded by the write watermark. When the client goes away the
 * channel's close wakes the worker (and interrupts a blocked read); the worker then closes
 * source and encoder, so nothing outlives the connection by more than one read.
 *
 * <p><b>Write stall.</b> A client that takes no bytes for {@code writeTimeoutMillis} while the
 * channel is full is disconnected, which frees its stream slot and its worker: a client that
 * never reads cannot hold a slot. The end of a stream waits for the client at most as long.
 */
public final class RequestStream {
    private static final Logger LOG = LoggerFactory.getLogger(RequestStream.class);
    /**
     * The most a read asks for: half a second of audio, at least 4608 sample frames (eight MPEG-2
     * frames, four MPEG-1). A paced source returns what is due (its steps, up to a second); a
     * generator fills it.
     */
    private static final int READ_MILLIS = 500;
    private static final int MIN_READ_FRAMES = 4608;
    /**
     * Until the first frame has left, reads ask for 2 ms at a time: LAME completes its first frame
     * once it holds 1392 samples at 24 kHz (58.0 ms), and a source that paces itself (a live
     * producer) hands them over no sooner; small reads send that frame when its last sample comes,
     * not at the end of a longer read (60 ms with 20 ms steps). A few dozen small encoder calls, once.
     */
    private static final int FIRST_READ_MILLIS = 2;

    private final String route;
    private final Channel ch;
    private final AudioSource source;
    private final EncoderSettings settings;
    /** Opened by the worker; null until then. */
    private Mp3Encoder encoder;
    private final boolean chunked;
    private final ServerMetrics metrics;
    private final AtomicInteger openStreams;
    private final long writeTimeoutNanos;
    private final long requestNanos;
    private final AccessLog accessLog;
    private final Object writable = new Object();
    private volatile Thread worker;
    private volatile boolean cancelled;
    private long bytesSent;

    /**
     * @param settings checked against the source's format already ({@link EncoderSettings#effectiveBitrateKbps}),
     *                 so that bad values got a 400 before the response head went out
     */
    public RequestStream(String route, Channel ch, AudioSource source, EncoderSettings settings, boolean chunked,
                         ServerMetrics metrics, AtomicInteger openStreams, long requestNanos, AccessLog accessLog,
                         int writeTimeoutMillis) {
        this.writeTimeoutNanos = writeTimeoutMillis * 1_000_000L;
        this.route = route;
        this.ch = ch;
        this.source = source;
        this.settings = settings;
        this.chunked = chunked;
        this.metrics = metrics;
        this.openStreams = openStreams;
        this.requestNanos = requestNanos;
        this.accessLog = accessLog;
    }

    /** Counts the stream open and starts its worker; the response head must already be written. */
    public void start(ExecutorService pool) {
        openStreams.incrementAndGet();
        metrics.streamOpened(route);
        ch.closeFuture().addListener(f -> cancel());
        try {
            pool.execute(this::run);
        } catch (RejectedExecutionException e) {
            release();
            ch.close();
        }
    }

    /** Called when the channel's writability changes. */
    public void writabilityChanged() {
        synchronized (writable) {
            writable.notifyAll();
        }
    }

    private void cancel() {
        cancelled = true;
        synchronized (writable) {
            writable.notifyAll();
        }
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }

    private void run() {
        worker = Thread.currentThread();
        try {
            if (cancelled) {
                return;
            }
            pump();
        } catch (InterruptedException e) {
            LOG.debug("{}: stream to {} cancelled", route, ch.remoteAddress());
        } catch (Exception | Error e) {
            if (!cancelled) {
                metrics.streamFailed(route);
                LOG.warn("{}: stream to {} failed: {}", route, ch.remoteAddress(), e.toString(), e);
            }
            ch.close();
        } finally {
            worker = null;
            Thread.interrupted();  // an interrupt meant for this stream must not reach the next task
            release();
        }
    }

    private void pump() throws Exception {
        encoder = Mp3Encoder.open(source.format(), settings);
        int channels = source.format().channels();
        int frames = Math.max(MIN_READ_FRAMES, source.format().sampleRateHz() * READ_MILLIS / 1000);
        float[] pcm = new float[frames * channels];
        int small = Math.max(1, source.format().sampleRateHz() * FIRST_READ_MILLIS / 1000) * channels;
        boolean sentFrame = false;
        while (true) {
            awaitWritable();
            if (cancelled) {
                return;
            }
            int n = source.read(pcm, 0, sentFrame ? pcm.length : small);
            if (cancelled) {
                return;
            }
            if (n < 0) {
                finish();
                return;
            }
            ChunkBuilder chunk = new ChunkBuilder();
            encoder.encode(pcm, 0, n, chunk::add);
            sentFrame |= chunk.send();
        }
    }

    private void finish() {
        ChunkBuilder chunk = new ChunkBuilder();
        encoder.finish(chunk::add);
        chunk.send();
        if (chunked) {
            ch.write(HttpWire.lastChunk());
        }
        ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> {
            ch.close();  // a client that does not take the end either
        }, writeTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void awaitWritable() throws InterruptedException {
        long since = System.nanoTime();
        synchronized (writable) {
            while (!cancelled && ch.isActive() && !ch.isWritable()) {
                if (System.nanoTime() - since > writeTimeoutNanos) {
                    LOG.info("{}: stream to {} closed: the client took no bytes for {} ms", route,
                            ch.remoteAddress(), writeTimeoutNanos / 1_000_000);
                    cancelled = true;
                    ch.close();
                    return;
                }
                writable.wait(100);
            }
        }
        if (!ch.isActive()) {
            cancelled = true;
        }
    }

    private void release() {
        try {
            source.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the source failed: {}", route, e.toString(), e);
        } finally {
            if (encoder != null) {
                encoder.close();
            }
            openStreams.decrementAndGet();
            metrics.streamClosed(route, bytesSent);
            long sent = bytesSent;
            ch.closeFuture().addListener(f -> accessLog.end(ch, 200, sent));
        }
    }

    /** Gathers one encode call's frames into one buffer, framed as one HTTP chunk. */
    private final class ChunkBuilder {
        private ByteBuf buf;

        void add(byte[] data, int off, int len) {
            if (buf == null) {
                buf = chunked ? HttpWire.openChunk(ch.alloc(), 4096) : ch.alloc().directBuffer(4096);
            }
            buf.writeBytes(data, off, len);
        }

        /** Writes what was added, if anything; whether it wrote. */
        boolean send() {
            if (buf == null) {
                return false;
            }
            int payload = buf.readableBytes() - (chunked ? HttpWire.CHUNK_HEADER_BYTES : 0);
            if (bytesSent == 0) {
                metrics.streamFirstByte(route, System.nanoTime() - requestNanos);
            }
            bytesSent += payload;
            ch.writeAndFlush(chunked ? HttpWire.closeChunk(buf) : buf, ch.voidPromise());
            buf = null;
            return true;
        }
    }
}
