package io.mp3cast.mp3;

import io.mp3cast.pcm.PcmFormat;
import java.nio.ByteBuffer;

/**
 * One continuous MP3 encoder for one stream: PCM in, whole MP3 frames out.
 * (Signature skeleton; the implementation lands in the next commit.)
 */
public final class Mp3Encoder implements AutoCloseable {
    private Mp3Encoder() {}

    public static Mp3Encoder open(PcmFormat format, EncoderSettings settings) { throw new UnsupportedOperationException(); }
    public PcmFormat format() { throw new UnsupportedOperationException(); }
    public EncoderBackend backend() { throw new UnsupportedOperationException(); }
    public int bitrateKbps() { throw new UnsupportedOperationException(); }
    /** Interleaved samples in [-1, 1]; {@code length} need not be a multiple of the channel count. */
    public void encode(float[] samples, int offset, int length, FrameSink sink) { throw new UnsupportedOperationException(); }
    public void encode(short[] samples, int offset, int length, FrameSink sink) { throw new UnsupportedOperationException(); }
    /** Bytes in the format's encoding; consumes all remaining bytes, keeping a partial sample for the next call. */
    public void encode(ByteBuffer pcm, FrameSink sink) { throw new UnsupportedOperationException(); }
    /** Pushes out all buffered audio as frames while the stream stays open (adds a little silence). */
    public void flush(FrameSink sink) { throw new UnsupportedOperationException(); }
    /** Ends the stream with its final frames; encode after finish throws IllegalStateException. */
    public void finish(FrameSink sink) { throw new UnsupportedOperationException(); }
    @Override public void close() { throw new UnsupportedOperationException(); }
}
