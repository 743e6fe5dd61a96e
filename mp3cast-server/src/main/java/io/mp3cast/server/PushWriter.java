package io.mp3cast.server;

import io.mp3cast.live.push.Producer;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Pushes audio into a push mount from the embedding program, as a network producer would, and
 * blocks while the mount's buffer is full ({@code bufferMillis} ahead of real time), so a
 * synthesizer faster than real time is held back without dropping anything:
 *
 * <pre>{@code
 * try (PushWriter w = server.push("/live.mp3", PcmFormat.floatMono(24000))) {
 *     for (float[] chunk : synthesizer) {
 *         w.write(chunk, 0, chunk.length);
 *     }
 * }   // listeners hear the buffered audio play out, then silence (or the fallback)
 * }</pre>
 *
 * <p>Threading: one thread writes. It must not be a server thread (a Netty event loop, a
 * scheduler thread): the room a blocked write waits for is made there. {@link #close()} is
 * idempotent.
 */
public final class PushWriter implements AutoCloseable {
    private final String path;
    private final Producer producer;
    private final PcmFormat format;
    private final Object room = new Object();
    private boolean roomNow;
    private ByteBuffer floats;

    PushWriter(String path, Producer producer, PcmFormat format) {
        this.path = path;
        this.producer = producer;
        this.format = format;
        producer.onDetached(this::wakeWriter);
    }

    /** The PCM format declared, or null for MP3. */
    public PcmFormat format() {
        return format;
    }

    /** Writes {@code bytes} (PCM in the declared format, or MP3), blocking while the buffer is full. */
    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /**
     * Writes {@code bytes[offset, offset + length)}, blocking while the buffer is full.
     *
     * @throws IOException when the mount no longer takes this writer's audio (another producer took
     *                     over, or the mount was removed); {@link InterruptedIOException} when interrupted
     */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkAttached();
        if (!producer.write(bytes, offset, length)) {
            awaitRoom();
        }
    }

    /**
     * Writes interleaved float samples in [-1, 1], blocking while the buffer is full.
     *
     * @throws IllegalStateException when the declared format is not float32
     */
    public void write(float[] samples, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (format == null || format.encoding() != SampleEncoding.FLOAT32_LE) {
            throw new IllegalStateException(path + ": float samples need a FLOAT32_LE format, not " + format);
        }
        if (floats == null || floats.capacity() < length * 4) {
            floats = ByteBuffer.allocate(Math.max(length * 4, 4096)).order(ByteOrder.LITTLE_ENDIAN);
        }
        floats.clear();
        floats.asFloatBuffer().put(samples, offset, length);
        write(floats.array(), 0, length * 4);
    }

    /** Ends this writer's audio: what is buffered plays, then silence or the fallback. Idempotent. */
    @Override
    public void close() {
        producer.close();
    }

    private void checkAttached() throws IOException {
        if (!producer.isAttached()) {
            throw new IOException(path + ": this writer no longer feeds the mount (another producer took over,"
                    + " the mount was removed, or the writer was closed)");
        }
    }

    private void awaitRoom() throws IOException {
        synchronized (room) {
            roomNow = false;
        }
        producer.whenRoom(this::wakeWriter);
        synchronized (room) {
            try {
                while (!roomNow) {
                    room.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(path + ": interrupted while waiting for room in the buffer");
            }
        }
        checkAttached();
    }

    private void wakeWriter() {
        synchronized (room) {
            roomNow = true;
            room.notifyAll();
        }
    }
}
