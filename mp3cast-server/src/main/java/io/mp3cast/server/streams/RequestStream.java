package io.mp3cast.server.streams;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.http.HttpWire;
import io.mp3cast.server.ops.AccessLog;
import io.mp3cast.source.AudioSource;
import io.mp3cast.time.Job;
import io.mp3cast.time.Task;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per-request stream: its own source and encoder, sent as fast as the source produces, as a
 * job on the server's scheduler. It costs no thread while it waits for its source's next step or
 * for its client to read.
 *
 * <p><b>A step.</b> Each run of the job reads from the source, encodes, and writes that read's
 * frames as one flushed chunk (per-request streams are for latency: a paced source's frames leave
 * as soon as its step is due). Then it asks the source when it may read again
 * ({@link AudioSource#nanosUntilReadable}): a paced source says when its next step is due and the job
 * sleeps until then (an absolute schedule, so streams do not drift); a source that never blocks is
 * read again at once, one chunk per run so that the streams sharing a scheduler thread take turns;
 * a source that may block is read on the reader pool ({@link RequestStreams#readers()}), which wakes
 * the job with the samples. The first job run opens the encoder (0.7 ms of LAME set-up, kept off the
 * event loop, which would otherwise hold up every other connection for it).
 *
 * <p><b>Backpressure.</b> The job reads only while the channel is writable; when it is not, the
 * job waits with no thread until {@link #writabilityChanged} wakes it, as Netty's
 * {@code ChunkedWriteHandler} does. A client that reads slowly slows the source, and memory stays
 * bounded by the write watermark.
 *
 * <p><b>Write stall.</b> A client that takes no bytes for {@code writeTimeoutMillis} while the
 * channel is full is disconnected, which frees its stream slot: a client that never reads cannot
 * hold one. The end of a stream waits for the client at most as long.
 *
 * <p><b>Threading.</b> The job's runs never overlap (the scheduler's rule), and the clean-up never
 * overlaps a run ({@link Job#cancel(Runnable)}): source and encoder are touched by one thread at a
 * time, and a blocking read by the reader pool only between two runs. When the client goes away
 * the channel's close cancels the job and closes source and encoder (and interrupts a blocked
 * read): at once on the event loop when no step is running, else right after the step.
 */
public final class RequestStream implements Task {
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
    /** Reads in one run before it yields even without a chunk sent (the first frame at 8 kHz takes 87). */
    private static final int MAX_READS_PER_RUN = 256;

    private final String route;
    private final Channel ch;
    private final AudioSource source;
    private final EncoderSettings settings;
    private final boolean chunked;
    private final ServerMetrics metrics;
    private final AtomicInteger openStreams;
    private final long requestNanos;
    private final AccessLog accessLog;
    private final long writeTimeoutNanos;
    /** Event loop only: closes the connection unless it turns writable in time. */
    private ScheduledFuture<?> stall;
    private volatile boolean cancelled;
    private RequestStreams streams;
    private Job job;
    // The fields below are the job's: its runs' and then its clean-up's.
    private Mp3Encoder encoder;
    private float[] pcm;
    private int firstReadSamples;
    private boolean sentFrame;
    private boolean released;
    private long bytesSent;
    /** A read on the reader pool, from its submission until the job has taken its result. */
    private Future<?> pendingRead;
    // Written by the reader thread, then readDone (volatile) set: the job reads readDone first.
    private int readResult;
    private Throwable readFailure;
    private volatile boolean readDone;

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

    /**
     * Schedules the stream's first step; the caller counted it open in {@code openStreams} (it checks
     * the limit and counts in one step), and the stream counts itself closed when it ends. Call it on
     * the channel's event loop, and write the response head in the same task: the stream's writes
     * come from other threads and so reach the channel after it.
     */
    public void start(RequestStreams where) {
        this.streams = where;
        metrics.streamOpened(route);
        streams.opened(this);
        job = streams.scheduler().schedule(route + " to " + ch.remoteAddress(), Task.WAIT, this);
        ch.closeFuture().addListener(f -> cancel());
        job.wake();
    }

    /**
     * Called on the event loop when the channel's writability changes: a writable channel wakes the
     * job; one that stays full for the write timeout is closed.
     */
    public void writabilityChanged() {
        if (ch.isWritable()) {
            if (stall != null) {
                stall.cancel(false);
                stall = null;
            }
            job.wake();
        } else if (stall == null) {
            stall = ch.eventLoop().schedule(this::stalled, writeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stalled() {
        stall = null;
        if (ch.isActive() && !ch.isWritable()) {
            LOG.info("{}: stream to {} closed: the client took no bytes for {} ms", route, ch.remoteAddress(),
                    writeTimeoutNanos / 1_000_000);
            ch.close();  // its close cancels the job and frees the slot
        }
    }

    /** The channel closed (the client left, or the server closes): the stream ends and frees what it holds. */
    private void cancel() {
        cancelled = true;
        job.cancel(this::release);
    }

    /** Server shutdown: frees source and encoder now (or right after a step in progress) and closes the connection. */
    void closeNow() {
        cancel();
        ch.close();
    }

    @Override
    public long runOnce() {
        try {
            if (cancelled || !ch.isActive()) {
                release();
                return WAIT;
            }
            return step();
        } catch (Exception | Error e) {
            if (!cancelled) {
                metrics.streamFailed(route);
                LOG.warn("{}: stream to {} failed: {}", route, ch.remoteAddress(), e.toString(), e);
            }
            ch.close();
            release();
            return WAIT;
        }
    }

    /**
     * Reads, encodes and writes until the source or the channel makes the stream wait, or until a
     * chunk has gone and the next read would be on this thread again: then it yields (returns 0), so
     * that the streams sharing a scheduler thread take turns.
     */
    private long step() throws IOException {
        if (encoder == null) {
            openEncoder();
        }
        long sentBefore = bytesSent;
        for (int reads = 0; ; reads++) {
            if (pendingRead != null) {
                if (!readDone) {
                    return WAIT;  // the reader wakes the job
                }
                if (!sendRead(takeRead())) {
                    return WAIT;
                }
            }
            if (!ch.isWritable()) {
                return WAIT;  // writabilityChanged wakes the job
            }
            int length = sentFrame ? pcm.length : firstReadSamples;
            long wait = source.nanosUntilReadable(length);
            if (wait > 0) {
                return wait;
            }
            if (wait == AudioSource.MAY_BLOCK) {
                readOnPool(length);
                return WAIT;  // the reader wakes the job
            }
            if ((sentFrame && bytesSent != sentBefore) || reads == MAX_READS_PER_RUN) {
                return 0;
            }
            if (!sendRead(source.read(pcm, 0, length))) {
                return WAIT;
            }
        }
    }

    private void openEncoder() {
        encoder = Mp3Encoder.open(source.format(), settings);
        int channels = source.format().channels();
        int rate = source.format().sampleRateHz();
        pcm = new float[Math.max(MIN_READ_FRAMES, rate * READ_MILLIS / 1000) * channels];
        firstReadSamples = Math.max(1, rate * FIRST_READ_MILLIS / 1000) * channels;
    }

    /** Encodes and writes what a read returned; false when the stream has ended. */
    private boolean sendRead(int n) {
        if (n < 0) {
            finish();
            release();
            return false;
        }
        ChunkBuilder chunk = new ChunkBuilder();
        encoder.encode(pcm, 0, n, chunk::add);
        sentFrame |= chunk.send();
        return true;
    }

    private void readOnPool(int length) {
        readDone = false;
        pendingRead = streams.readers().submit(() -> {
            try {
                readResult = source.read(pcm, 0, length);
            } catch (Throwable e) {
                readFailure = e;
            } finally {
                readDone = true;
                job.wake();
            }
        });
    }

    private int takeRead() throws IOException {
        pendingRead = null;
        Throwable failure = readFailure;
        readFailure = null;
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw new IOException("source read failed: " + failure, failure);
        }
        return readResult;
    }

    private void finish() {
        ChunkBuilder chunk = new ChunkBuilder();
        encoder.finish(chunk::add);
        chunk.send();
        if (chunked) {
            ch.write(HttpWire.lastChunk());
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ch.eventLoop().schedule(() -> {
            ch.close();  // a client that does not take the end either
        }, writeTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Closes source and encoder, once: from a run, or from {@link Job#cancel(Runnable)} when none is running. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        job.cancel();
        Future<?> read = pendingRead;
        if (read != null && !readDone) {
            read.cancel(true);  // interrupts a reader blocked in the source; closing the source below stops it too
        }
        try {
            source.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the source failed: {}", route, e.toString(), e);
        } finally {
            if (encoder != null) {
                encoder.close();
            }
            openStreams.decrementAndGet();
            streams.closed(this);
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
