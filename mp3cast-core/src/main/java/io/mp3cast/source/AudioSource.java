package io.mp3cast.source;

import io.mp3cast.pcm.PcmFormat;
import java.io.IOException;

/**
 * A producer of PCM audio as interleaved float samples in [-1, 1].
 *
 * <p>{@link #format()} gives the sample rate and channel count; samples always come as floats,
 * whatever the format's encoding says. {@link #read} may block (a synthesizer still thinking, a
 * socket) and may return fewer samples than asked, but never zero unless {@code length} is zero.
 *
 * <p>Threading: one thread reads at a time. {@link #close()} may be called from another thread
 * to stop a blocked reader; it is idempotent.
 */
public interface AudioSource extends AutoCloseable {

    /** Sample rate and channels of what {@link #read} returns. */
    PcmFormat format();

    /**
     * Reads up to {@code length} interleaved samples into {@code buffer} at {@code offset}.
     *
     * @return the number of samples read (a multiple of the channel count when {@code length} is),
     *         or -1 at the end of the audio
     * @throws IOException when the underlying data cannot be read
     */
    int read(float[] buffer, int offset, int length) throws IOException;

    /** Releases what the source holds. The default does nothing. */
    @Override
    default void close() {}
}
