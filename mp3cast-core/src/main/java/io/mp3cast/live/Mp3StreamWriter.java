package io.mp3cast.live;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.pcm.PcmFormat;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * PCM written in, whole MP3 frames out to any {@link OutputStream}: a servlet's response, a file,
 * a socket. One continuous encoder, so writing in pieces of any size gives the same bytes.
 *
 * <pre>{@code
 * response.setContentType("audio/mpeg");
 * try (Mp3StreamWriter mp3 = new Mp3StreamWriter(response.getOutputStream(), PcmFormat.floatMono(24000),
 *         EncoderSettings.cbr(64))) {
 *     for (float[] chunk : synthesizer) {
 *         mp3.write(chunk, 0, chunk.length);
 *         mp3.flush();  // hand the frames so far to the client now
 *     }
 * }  // the final frames, then the stream is closed
 * }</pre>
 *
 * <p>Threading: not thread-safe; one writer thread. {@link #close()} is idempotent and frees the
 * encoder even when the output stream fails.
 */
public final class Mp3StreamWriter implements Closeable, Flushable {
    private final OutputStream out;
    private final Mp3Encoder encoder;
    private final FrameSink sink;
    private boolean finished;

    /** Opens an encoder for {@code format}; the caller keeps owning {@code out} until {@link #close()}. */
    public Mp3StreamWriter(OutputStream out, PcmFormat format, EncoderSettings settings) {
        this.out = Objects.requireNonNull(out, "out");
        this.encoder = Mp3Encoder.open(format, settings);
        this.sink = (data, off, len) -> {
            try {
                out.write(data, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Interleaved float samples in [-1, 1]. */
    public void write(float[] samples, int offset, int length) throws IOException {
        run(() -> encoder.encode(samples, offset, length, sink));
    }

    /** Interleaved 16-bit samples. */
    public void write(short[] samples, int offset, int length) throws IOException {
        run(() -> encoder.encode(samples, offset, length, sink));
    }

    /** Bytes in the format's sample encoding; a partial sample is kept for the next call. */
    public void write(ByteBuffer pcm) throws IOException {
        run(() -> encoder.encode(pcm, sink));
    }

    /** Passes the frames written so far on to the client. Adds no audio. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Pushes out all audio given so far, as at the end of an utterance, while the stream stays open
     * (the encoder adds a little silence), and flushes.
     */
    public void flushAudio() throws IOException {
        run(() -> encoder.flush(sink));
        out.flush();
    }

    /** Writes the final frames and flushes, leaving {@code out} open. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            run(() -> encoder.finish(sink));
            out.flush();
        } finally {
            encoder.close();
        }
    }

    /** {@link #finish()}, then closes {@code out}. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            encoder.close();
            out.close();
        }
    }

    private static void run(Runnable encoding) throws IOException {
        try {
            encoding.run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
