package io.mp3cast.server;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.util.function.IntSupplier;

/** Servers on port 0 with a tone mount paced by a manual clock, and waiting helpers. */
final class ServerFixture {
    static final int FRAME_MICROS = 24_000;  // 576 samples at 24 kHz

    private ServerFixture() {}

    static Mp3CastServer.Builder toneServer(ManualClock clock, MountConfig mount) {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).pacingClock(clock)
                .mount(mount, AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone 440 Hz");
    }

    /** Polls until {@code value} equals {@code expected}, at most {@code limitMillis}. */
    static void await(String what, IntSupplier value, int expected, long limitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + limitMillis * 1_000_000;
        while (value.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + value.getAsInt() + ", expected " + expected
                        + " within " + limitMillis + " ms");
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits (at most 15 s) until {@code stream} has published {@code micros} of audio: a mount up for
     * a while, so that an HLS player finds a full playlist.
     */
    static void awaitAudio(LiveStream stream, long micros) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (stream.publishedMicros() < micros && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Every frame a stream publishes from now on, in order. */
    static final class Tap implements StreamObserver {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        static Tap on(LiveStream stream) {
            Tap t = new Tap();
            stream.addObserver(t);
            return t;
        }

        @Override
        public synchronized void onFrames(LiveStream stream, long head) {
            stream.read(head - 1, head, bytes::write);
        }

        synchronized byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
