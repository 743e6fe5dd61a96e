package io.mp3cast.live.push;

import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One producer connected to a {@link PushFeed}: it declares what it sends ({@link #beginPcm} or
 * {@link #beginMp3}), then {@link #write}s bytes in pieces of any size, then {@link #close}s.
 *
 * <p>PCM is converted to float samples as it arrives and encoded by the feed's one continuous
 * encoder, so the producer's chunk boundaries leave no trace: bytes of an incomplete sample frame
 * (an odd byte, the left half of a stereo pair) wait for the next write. MP3 is cut into whole
 * frames by a {@link FrameSplitter} and passed through unchanged; bytes that are not frames are
 * skipped and counted ({@link #skippedBytes()}, {@link #tagBytes()}).
 *
 * <p><b>Backpressure.</b> {@link #write} returns whether the feed's buffer has room for more. A
 * producer that gets {@code false} should stop sending (a network source stops reading its
 * socket) and wait for {@link #whenRoom}; writes beyond the buffer are still taken, never
 * dropped, so the bound is the buffer plus whatever one write carries.
 *
 * <p><b>Threading.</b> One producer thread at a time calls {@code begin*}, {@code write} and
 * {@code close}. The feed may detach the source from another thread (a takeover, the feed
 * closing): the {@link #onDetached} callback then runs on that thread, and later writes are
 * ignored.
 */
public final class Producer implements AutoCloseable {
    /** Floats converted per encoder call: bounds the time the feed's lock is held. */
    private static final int SCRATCH_SAMPLES = 8192;

    private final PushFeed feed;
    private final String origin;
    private final Pacing pacing;
    private final long connectedAtMillis = System.currentTimeMillis();
    private PcmFormat format;
    private FrameSplitter splitter;
    private byte[] partial;
    private int partialCount;
    private float[] scratch;
    private volatile boolean attached = true;
    private volatile boolean closed;
    private volatile Runnable detachedCallback;
    private volatile long bytesIn;
    private volatile long sampleFramesIn;
    private volatile long droppedBytes;

    Producer(PushFeed feed, String origin, Pacing pacing) {
        this.feed = feed;
        this.origin = origin;
        this.pacing = pacing;
    }

    /**
     * Declares PCM in {@code pcmFormat}. The feed's encoder carries on if the rate and channel count
     * are the stream's; otherwise the stream changes format here (see {@link PushFeed}).
     *
     * @throws IllegalArgumentException when the feed's encoder settings cannot encode this format
     *                                  (a bitrate the rate's MPEG version lacks)
     * @throws IllegalStateException    when the source already began
     */
    public void beginPcm(PcmFormat pcmFormat) {
        Objects.requireNonNull(pcmFormat, "pcmFormat");
        checkNotBegun();
        feed.beginPcm(this, pcmFormat);
        this.format = pcmFormat;
        this.partial = new byte[pcmFormat.bytesPerFrame()];
        this.scratch = new float[SCRATCH_SAMPLES - SCRATCH_SAMPLES % pcmFormat.channels()];
    }

    /** Declares MP3, passed through frame by frame. */
    public void beginMp3() {
        checkNotBegun();
        feed.beginMp3(this);
        this.splitter = new FrameSplitter();
    }

    /** Writes {@code bytes[offset, offset + length)}; returns whether the buffer has room for more. */
    public boolean write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return write(ByteBuffer.wrap(bytes, offset, length));
    }

    /** Writes the remaining bytes of {@code bytes}, consuming them; returns whether the buffer has room for more. */
    public boolean write(ByteBuffer bytes) {
        if (closed) {
            throw new IllegalStateException(origin + ": write after close");
        }
        if (format == null && splitter == null) {
            throw new IllegalStateException(origin + ": write before beginPcm or beginMp3");
        }
        bytesIn += bytes.remaining();
        if (!attached) {
            bytes.position(bytes.limit());
            return true;
        }
        if (splitter != null) {
            feed.passThrough(this, splitter, bytes);
        } else {
            writePcm(bytes);
        }
        return feed.hasRoom();
    }

    private void writePcm(ByteBuffer bytes) {
        ByteBuffer in = bytes.slice().order(format.encoding() == SampleEncoding.INT16_BE
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        bytes.position(bytes.limit());
        int n = 0;
        if (partialCount > 0) {
            int take = Math.min(partial.length - partialCount, in.remaining());
            in.get(partial, partialCount, take);
            partialCount += take;
            if (partialCount < partial.length) {
                return;
            }
            ByteBuffer whole = ByteBuffer.wrap(partial).order(in.order());
            n = convert(whole, n, format.channels());
            partialCount = 0;
        }
        int bytesPerFrame = format.bytesPerFrame();
        while (in.remaining() >= bytesPerFrame) {
            int frames = Math.min(in.remaining() / bytesPerFrame, (scratch.length - n) / format.channels());
            n = convert(in, n, frames * format.channels());
            if (n == scratch.length) {
                encode(n);
                n = 0;
            }
        }
        encode(n);
        partialCount = in.remaining();
        in.get(partial, 0, partialCount);
    }

    private int convert(ByteBuffer in, int n, int samples) {
        SampleEncoding encoding = format.encoding();
        for (int i = 0; i < samples; i++) {
            scratch[n++] = encoding == SampleEncoding.FLOAT32_LE ? in.getFloat() : in.getShort() / 32768f;
        }
        return n;
    }

    private void encode(int samples) {
        if (samples > 0) {
            sampleFramesIn += samples / format.channels();
            feed.encode(this, scratch, samples);
        }
    }

    /** Whether the feed's buffer has room: false while the producer is more than the buffer ahead. */
    public boolean hasRoom() {
        return feed.hasRoom();
    }

    /**
     * Runs {@code task} once the buffer has room again (at once if it has now), on the feed's
     * thread: keep it short, typically "resume reading the socket". One task at a time.
     */
    public void whenRoom(Runnable task) {
        feed.whenRoom(this, Objects.requireNonNull(task, "task"));
    }

    /** Runs {@code task} when the feed detaches this source (a takeover, the feed closing). */
    public void onDetached(Runnable task) {
        detachedCallback = Objects.requireNonNull(task, "task");
        if (!attached) {
            task.run();
        }
    }

    /** Whether this source still feeds the stream: not closed, not taken over. */
    public boolean isAttached() {
        return attached && !closed;
    }

    /**
     * Ends this source's audio: an MP3 frame still waiting for confirmation is passed on, an
     * incomplete PCM sample frame is dropped ({@link #droppedBytes()}). The stream plays what is
     * buffered, then silence (or the fallback) until another source connects. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (splitter != null && attached) {
            feed.endPassThrough(this, splitter);
        }
        droppedBytes = partialCount;
        partialCount = 0;
        closed = true;
        feed.disconnect(this);
    }

    /** Called by the feed, under its lock: no more writes reach the stream. */
    void detach() {
        attached = false;
    }

    /** Called by the feed outside its lock, after {@link #detach()}. */
    void runDetachedCallback() {
        Runnable r = detachedCallback;
        if (r != null) {
            r.run();
        }
    }

    private void checkNotBegun() {
        if (format != null || splitter != null) {
            throw new IllegalStateException(origin + ": already began as " + describe());
        }
    }

    /** Who pushes: an address, for logs and status pages. */
    public String origin() {
        return origin;
    }

    public Pacing pacing() {
        return pacing;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    /** The PCM format declared, or empty for MP3 or before {@code begin}. */
    public java.util.Optional<PcmFormat> pcmFormat() {
        return java.util.Optional.ofNullable(format);
    }

    public boolean isMp3() {
        return splitter != null;
    }

    /** Bytes written so far. */
    public long bytesIn() {
        return bytesIn;
    }

    /** PCM sample frames (one sample per channel) taken so far. */
    public long sampleFramesIn() {
        return sampleFramesIn;
    }

    /** MP3 frames passed through so far. */
    public long mp3FramesIn() {
        return splitter == null ? 0 : splitter.frames();
    }

    /** MP3 bytes skipped because they were no frame (garbage inside the stream). */
    public long skippedBytes() {
        return splitter == null ? 0 : splitter.skippedBytes();
    }

    /** Bytes of ID3 tags skipped in an MP3 stream. */
    public long tagBytes() {
        return splitter == null ? 0 : splitter.id3Bytes();
    }

    /** Bytes lost at the end: an incomplete PCM sample frame, or an MP3 frame cut short. */
    public long droppedBytes() {
        return droppedBytes + (splitter == null ? 0 : splitter.truncatedBytes());
    }

    /** What is pushed, for logs: {@code "PCM 24000 Hz mono FLOAT32_LE"} or {@code "MP3"}. */
    public String describe() {
        return splitter != null ? "MP3" : format != null ? "PCM " + format : "(not begun)";
    }

    @Override
    public String toString() {
        return "Producer[" + origin + ", " + describe() + ", " + pacing + "]";
    }
}
