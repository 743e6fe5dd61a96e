package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.push.PushFeed;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BackpressureTest {
    private static final int BYTES_PER_SECOND = 24000 * 4;
    private static final int BUFFER_MILLIS = 2000;
    /**
     * Audio the path between producer and mount may hold beyond the mount's buffer: the client's
     * send buffer and the server's receive buffer (16 and 64 KiB, doubled by Linux) and one read
     * already decoded when reading stopped.
     */
    private static final int IN_FLIGHT_SECONDS = 3;

    @Test
    void aProducerTenTimesFasterThanRealTimeIsSlowedByTcpWhileMemoryStaysBoundedAndTheListenerGetsRealTime()
            throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock)
                .ingest(IngestSettings.DEFAULT.withBufferMillis(BUFFER_MILLIS)).start();
             Pusher producer = Pusher.chunked(server.port(), 16 * 1024, "/fast.mp3?format=f32le&rate=24000&channels=1")) {
            byte[] second = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));
            Thread upload = new Thread(() -> {
                try {
                    for (int s = 0; s < 60; s++) {
                        producer.writeInPieces(second, 8192);
                    }
                } catch (IOException e) {
                    // the test closed the connection
                }
            }, "fast producer");
            upload.setDaemon(true);
            upload.start();
            awaitTrue("mount created", () -> server.mounts().stream().anyMatch(m -> m.path().equals("/fast.mp3")));
            Mount mount = server.mount("/fast.mp3");
            PushFeed feed = mount.pushFeed().orElseThrow();
            awaitTrue("buffer filled", () -> feed.bufferedMillis() >= BUFFER_MILLIS);
            try (RawHttp listener = RawHttp.get(server.port(), "/fast.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                for (int t = 1; t <= 10; t++) {
                    for (int step = 0; step < 10; step++) {
                        // The manual clock runs far faster than real time: let the producer refill the
                        // buffer as real time would, so the test measures throttling, not a starved producer.
                        awaitTrue("buffer refilled", () -> feed.bufferedMillis() >= BUFFER_MILLIS * 3 / 4);
                        clock.advanceMillis(100);
                    }
                    long played = (long) t * BYTES_PER_SECOND;
                    awaitTrue("the upload moves on as audio plays", () -> producer.bytesWritten >= played);
                    assertThat(producer.bytesWritten).as("bytes uploaded after %d s of playout", t)
                            .isLessThanOrEqualTo(played + (BUFFER_MILLIS / 1000 + IN_FLIGHT_SECONDS) * BYTES_PER_SECOND);
                    assertThat(feed.peakBufferedMillis()).isLessThanOrEqualTo(BUFFER_MILLIS + 1000);
                }
                assertThat(upload.isAlive()).as("the producer is still held back").isTrue();
                mount.stop();
                byte[] body = listener.readAll();
                assertThat(Mp3Bytes.frames(body)).as("frames heard in 10 s").isBetween(10_000 / 24 - 2, 10_000 / 24 + 2);
                float[] pcm = Mp3Decoding.decode(body).channel(0);
                assertThat(AudioMath.rms(pcm, 24000, 8 * 24000)).as("no gaps in the tone").isGreaterThan(0.3);
            }
        }
    }
}
