package io.mp3cast.mp3;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One continuous MP3 encoder for one stream: PCM in, whole MP3 frames out.
 *
 * <p>Feed it PCM in pieces of any size; the output is byte-identical to feeding the same samples
 * in one call, because one LAME instance sees one unbroken signal. Output arrives through a
 * {@link FrameSink}, one whole frame per call, as soon as LAME produces it: after about 800
 * input samples at first, then one frame per 576 (MPEG-2, 2.5) or 1152 (MPEG-1) samples.
 *
 * <p>Input is made safe before LAME sees it: NaN and ±Infinity become 0, samples outside
 * [-1, 1] are clipped (never wrapped, never dropped, so later samples keep their place).
 * 16-bit input is converted with {@code s / 32768f} and takes the float path, so int16 and
 * float32 input of the same signal give the same MP3. Input that ends part-way through a sample
 * frame (an odd byte, or only the left sample of a stereo pair) is kept for the next call.
 *
 * <p>Threading: not thread-safe. One thread at a time, typically the stream's producer.
 * {@link #close()} is idempotent and frees the native encoder even after a failure.
 */
public final class Mp3Encoder implements AutoCloseable {
    /** Samples of silence fed before {@code lame_encode_flush_nogap} so the tail leaves LAME's lookahead. */
    static final int FLUSH_SILENCE_FRAMES = 1568;

    private static final Logger LOG = LoggerFactory.getLogger(Mp3Encoder.class);
    private static final Set<EncoderBackend> LOGGED = EnumSet.noneOf(EncoderBackend.class);

    private final PcmFormat format;
    private final EncoderSettings settings;
    private final int bitrateKbps;
    private final LameEngine engine;
    private final int channels;
    private final float[] left = new float[LameEngine.BLOCK_FRAMES];
    private final float[] right = new float[LameEngine.BLOCK_FRAMES];
    private final byte[] lameOut = new byte[LameEngine.mp3BufferBytes(LameEngine.BLOCK_FRAMES * 2)];
    private final LameFrameSplitter splitter = new LameFrameSplitter(lameOut.length);
    private final byte[] partialBytes;
    private int partialByteCount;
    private int blockFrames;
    private int channelCursor;
    private long sampleFramesIn;
    private long nonFiniteSamples;
    private long clippedSamples;
    private boolean finished;
    private boolean closed;

    private Mp3Encoder(PcmFormat format, EncoderSettings settings, int bitrateKbps, LameEngine engine) {
        this.format = format;
        this.settings = settings;
        this.bitrateKbps = bitrateKbps;
        this.engine = engine;
        this.channels = format.channels();
        this.partialBytes = new byte[format.bytesPerFrame()];
    }

    /**
     * Opens an encoder.
     *
     * @throws IllegalArgumentException when the bitrate is not legal for the format's MPEG version
     * @throws IllegalStateException    when {@link EncoderBackend#NATIVE} is asked for and libmp3lame does not load
     */
    public static Mp3Encoder open(PcmFormat format, EncoderSettings settings) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(settings, "settings");
        int kbps = settings.effectiveBitrateKbps(format);
        EncoderBackend backend = resolveBackend(settings.backend());
        LameEngine engine = backend == EncoderBackend.NATIVE
                ? new NativeLame(format.sampleRateHz(), format.channels(), kbps, settings)
                : new JavaLame(format.sampleRateHz(), format.channels(), kbps, settings);
        logOnce(engine);
        return new Mp3Encoder(format, settings, kbps, engine);
    }

    /** Opens an encoder with {@link EncoderSettings#DEFAULT}. */
    public static Mp3Encoder open(PcmFormat format) {
        return open(format, EncoderSettings.DEFAULT);
    }

    /**
     * The backend {@code requested} stands for here: {@code AUTO} becomes the system property
     * {@value EncoderBackend#PROPERTY} if set, else {@code NATIVE} when libmp3lame loads, else {@code JAVA}.
     */
    public static EncoderBackend resolveBackend(EncoderBackend requested) {
        if (requested != EncoderBackend.AUTO) {
            return requested;
        }
        String property = System.getProperty(EncoderBackend.PROPERTY);
        EncoderBackend fromProperty = property == null ? EncoderBackend.AUTO : EncoderBackend.parse(property);
        if (fromProperty != EncoderBackend.AUTO) {
            return fromProperty;
        }
        return NativeLame.isAvailable() ? EncoderBackend.NATIVE : EncoderBackend.JAVA;
    }

    /** Why libmp3lame did not load, or an empty string when it did. */
    public static String nativeLoadFailure() {
        return NativeLame.loadFailure();
    }

    private static void logOnce(LameEngine engine) {
        synchronized (LOGGED) {
            if (LOGGED.add(engine.kind())) {
                String why = engine.kind() == EncoderBackend.JAVA && !NativeLame.isAvailable()
                        ? " (libmp3lame not loaded: " + NativeLame.loadFailure() + ")" : "";
                LOG.info("mp3 encoder: {}{}", engine.version(), why);
            }
        }
    }

    public PcmFormat format() {
        return format;
    }

    public EncoderSettings settings() {
        return settings;
    }

    public EncoderBackend backend() {
        return engine.kind();
    }

    /** The constant bitrate in use (the nominal one under VBR). */
    public int bitrateKbps() {
        return bitrateKbps;
    }

    /** Samples per channel taken in so far, flush silence excluded. */
    public long sampleFramesIn() {
        return sampleFramesIn;
    }

    /** NaN or infinite input samples replaced by 0 so far. */
    public long nonFiniteSamples() {
        return nonFiniteSamples;
    }

    /** Input samples outside [-1, 1] clipped so far. */
    public long clippedSamples() {
        return clippedSamples;
    }

    /** Encodes interleaved float samples; {@code length} need not be a multiple of the channel count. */
    public void encode(float[] samples, int offset, int length, FrameSink sink) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        ensureWritable();
        int i = offset;
        int end = offset + length;
        while (i < end && channelCursor != 0) {
            put(samples[i++], sink); // completes a stereo pair begun in the last call
        }
        // Whole sample frames go block-wise: the per-sample bookkeeping of put() is most of
        // the Java-side cost around LAME (see BENCHMARKS.md).
        while (end - i >= channels) {
            int frames = Math.min((end - i) / channels, LameEngine.BLOCK_FRAMES - blockFrames);
            copySafe(samples, i, frames);
            i += frames * channels;
            blockFrames += frames;
            sampleFramesIn += frames;
            if (blockFrames == LameEngine.BLOCK_FRAMES) {
                drainBlock(sink);
            }
        }
        while (i < end) {
            put(samples[i++], sink); // a lone left sample, kept for the next call
        }
        drainBlock(sink);
    }

    private void copySafe(float[] in, int from, int frames) {
        if (channels == 1) {
            for (int k = 0; k < frames; k++) {
                left[blockFrames + k] = safe(in[from + k]);
            }
        } else {
            for (int k = 0; k < frames; k++) {
                left[blockFrames + k] = safe(in[from + 2 * k]);
                right[blockFrames + k] = safe(in[from + 2 * k + 1]);
            }
        }
    }

    /** The sample itself when it is within [-1, 1] (NaN fails both tests), else its repair. */
    private float safe(float v) {
        return v >= -1f && v <= 1f ? v : repair(v);
    }

    private float repair(float v) {
        if (!Float.isFinite(v)) {
            nonFiniteSamples++;
            return 0f;
        }
        clippedSamples++;
        return v > 1f ? 1f : -1f;
    }

    /** Encodes interleaved 16-bit samples, as {@code s / 32768f}. */
    public void encode(short[] samples, int offset, int length, FrameSink sink) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        ensureWritable();
        for (int i = offset; i < offset + length; i++) {
            put(samples[i] / 32768f, sink);
        }
        drainBlock(sink);
    }

    /**
     * Encodes PCM bytes in the format's sample encoding, consuming all remaining bytes of
     * {@code pcm}; bytes of an incomplete sample frame are kept for the next call.
     */
    public void encode(ByteBuffer pcm, FrameSink sink) {
        ensureWritable();
        while (pcm.hasRemaining()) {
            partialBytes[partialByteCount++] = pcm.get();
            if (partialByteCount == partialBytes.length) {
                putSampleFrameBytes(sink);
                partialByteCount = 0;
            }
        }
        drainBlock(sink);
    }

    private void putSampleFrameBytes(FrameSink sink) {
        ByteBuffer frame = ByteBuffer.wrap(partialBytes);
        SampleEncoding encoding = format.encoding();
        frame.order(encoding == SampleEncoding.INT16_BE ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < channels; c++) {
            put(encoding == SampleEncoding.FLOAT32_LE ? frame.getFloat() : frame.getShort() / 32768f, sink);
        }
    }

    /** Bytes of an incomplete sample frame held since the last byte input. */
    public int pendingBytes() {
        return partialByteCount;
    }

    private void put(float sample, FrameSink sink) {
        float v = safe(sample);
        if (channelCursor == 0) {
            left[blockFrames] = v;
        } else {
            right[blockFrames] = v;
        }
        if (++channelCursor == channels) {
            channelCursor = 0;
            sampleFramesIn++;
            if (++blockFrames == LameEngine.BLOCK_FRAMES) {
                drainBlock(sink);
            }
        }
    }

    /** Hands LAME every complete sample frame collected; a lone left sample stays for the next call. */
    private void drainBlock(FrameSink sink) {
        if (blockFrames == 0) {
            return;
        }
        long cpu = EncoderCpu.start();
        int n = engine.encode(left, right, blockFrames, lameOut);
        EncoderCpu.stop(cpu);
        if (channelCursor == 1) {
            left[0] = left[blockFrames];
        }
        blockFrames = 0;
        splitter.split(lameOut, n, sink);
    }

    /**
     * Pushes out everything buffered as whole frames while the stream stays open, for the end
     * of an utterance. Adds {@value #FLUSH_SILENCE_FRAMES} samples of silence and LAME's padding
     * (under 0.2 s in all) after the audio.
     */
    public void flush(FrameSink sink) {
        ensureWritable();
        int pendingChannel = channelCursor;
        float pendingLeft = left[0];
        channelCursor = 0;
        for (int i = 0; i < FLUSH_SILENCE_FRAMES; i++) {
            left[blockFrames] = 0f;
            right[blockFrames] = 0f;
            if (++blockFrames == LameEngine.BLOCK_FRAMES) {
                drainBlock(sink);
            }
        }
        drainBlock(sink);
        long cpu = EncoderCpu.start();
        int n = engine.flushNoGap(lameOut);
        EncoderCpu.stop(cpu);
        splitter.split(lameOut, n, sink);
        left[0] = pendingLeft;
        channelCursor = pendingChannel;
    }

    /**
     * Ends the stream: encodes what is buffered and writes the final frames. A lone sample of an
     * incomplete stereo pair or bytes of an incomplete sample frame are dropped here: they have
     * no partner to be encoded with. Encoding afterwards throws {@link IllegalStateException}.
     */
    public void finish(FrameSink sink) {
        ensureWritable();
        drainBlock(sink);
        finished = true;
        long cpu = EncoderCpu.start();
        int n = engine.finish(lameOut);
        EncoderCpu.stop(cpu);
        splitter.split(lameOut, n, sink);
    }

    /** Frees the encoder; idempotent. Buffered audio not yet flushed is discarded. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            engine.close();
        }
    }

    private void ensureWritable() {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        if (finished) {
            throw new IllegalStateException("encoder is finished: the stream has ended");
        }
    }

    @Override
    public String toString() {
        return "Mp3Encoder[" + format + ", " + (settings.isVbr() ? "VBR q" + settings.vbrQuality()
                : bitrateKbps + " kbps") + ", LAME q" + settings.lameQuality() + ", " + engine.version() + "]";
    }
}
