package io.mp3cast.live.push;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Pushed PCM into MP3 frames: converts producers' bytes to float samples and feeds one continuous
 * encoder, so chunk boundaries and producers of the same rate and channel count leave no trace
 * (an int16 producer after a float32 one changes nothing). Also makes what a PCM stream plays
 * between producers: zeros fed to the same encoder, so the last producer's audio comes out of
 * the encoder's lookahead with no seam, and a flush before a fallback takes over.
 *
 * <p>Threading: the play-out job's alone; the encoder is opened, used and freed there, never on
 * a producer's (network) thread.
 */
final class PcmIngest implements AutoCloseable {
    /** Floats converted per encoder call. */
    private static final int SCRATCH_SAMPLES = 8192;
    private static final int SILENCE_FRAMES = 576;

    private final EncoderSettings settings;
    private Mp3Encoder encoder;
    private SampleEncoding encoding;
    private float[] scratch;
    private float[] silence;
    private boolean flushed;

    PcmIngest(EncoderSettings settings) {
        this.settings = settings;
    }

    /**
     * PCM in {@code format} follows. The encoder carries on when rate and channels are the
     * stream's; otherwise the old encoder's tail goes to {@code out} and a new one opens. Returns
     * whether an encoder was running and is replaced (the stream's format changes).
     */
    boolean begin(PcmFormat format, FrameSink out) {
        encoding = format.encoding();
        PcmFormat floats = format.withEncoding(SampleEncoding.FLOAT32_LE);
        if (encoder != null && encoder.format().equals(floats)) {
            return false;
        }
        Mp3Encoder next = Mp3Encoder.open(floats, settings);
        boolean replaced = encoder != null;
        end(out);
        encoder = next;
        flushed = false;
        scratch = new float[SCRATCH_SAMPLES - SCRATCH_SAMPLES % format.channels()];
        silence = new float[SILENCE_FRAMES * format.channels()];
        return replaced;
    }

    boolean isOpen() {
        return encoder != null;
    }

    /** Encodes whole sample frames in the encoding {@link #begin} declared. */
    void encode(byte[] bytes, FrameSink out) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(encoding == SampleEncoding.INT16_BE
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int bytesPerSample = encoding == SampleEncoding.FLOAT32_LE ? 4 : 2;
        while (in.hasRemaining()) {
            int n = Math.min(scratch.length, in.remaining() / bytesPerSample);
            for (int i = 0; i < n; i++) {
                scratch[i] = encoding == SampleEncoding.FLOAT32_LE ? in.getFloat() : in.getShort() / 32768f;
            }
            encoder.encode(scratch, 0, n, out);
        }
        flushed = false;
    }

    /** Feeds zeros until at least one frame has come out. */
    void silence(FrameBuffer out) {
        while (out.isEmpty()) {
            encoder.encode(silence, 0, silence.length, out);
        }
        flushed = false;
    }

    /** Pushes out the audio the encoder holds, once per gap; whether it did (false: nothing to flush). */
    boolean flushOnce(FrameSink out) {
        if (encoder == null || flushed) {
            return false;
        }
        encoder.flush(out);
        flushed = true;
        return true;
    }

    /** The encoder's tail goes to {@code out} and the encoder is freed (MP3 follows, or the end). */
    void end(FrameSink out) {
        if (encoder != null) {
            try {
                encoder.finish(out);
            } finally {
                close();
            }
        }
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
