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
 * <p><b>Blocking or not.</b> A source says whether its reads block with
 * {@link #nanosUntilReadable}. The default, {@link #MAY_BLOCK}, is always safe: the server reads such
 * a source on a bounded pool of reader threads (virtual threads on Java 21 and later), so a read that
 * waits for a synthesizer holds up no other stream. A source whose reads return at once (it computes,
 * copies memory, or reads a local file) answers 0, and a source paced by a schedule answers the
 * nanoseconds until its next step is due: the server then reads it on its scheduler's few threads
 * and schedules the next read for when it is due, so the stream costs no thread at all while it
 * waits. The built-in generators, WAV files, {@link AudioSources#limit} of those and
 * {@link PacedSource} over those never block.
 *
 * <p>Threading: one thread reads at a time (not always the same one). {@link #close()} may be
 * called from another thread to stop a blocked reader; it is idempotent.
 */
public interface AudioSource extends AutoCloseable {
    /** From {@link #nanosUntilReadable}: a read may block, for as long as the source takes. */
    long MAY_BLOCK = -1;

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

    /**
     * Whether a {@link #read} of up to {@code length} samples, called now, would return without
     * blocking: 0 if it would, the nanoseconds until it would (a paced source: its next step), or
     * {@link #MAY_BLOCK} (the default) if it may block for as long as it takes. Answer 0 only if the
     * read really returns at once: a source read on the server's scheduler that blocks holds up
     * every stream on that thread. Called by the reading thread, right before a read; cheap and
     * non-blocking itself.
     */
    default long nanosUntilReadable(int length) {
        return MAY_BLOCK;
    }

    /** Releases what the source holds. The default does nothing. */
    @Override
    default void close() {}
}
