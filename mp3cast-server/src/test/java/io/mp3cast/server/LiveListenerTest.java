package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.FRAME_MICROS;
import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import org.junit.jupiter.api.Test;

class LiveListenerTest {

    @Test
    void aListenerGetsTheBurstPlusFiveSecondsInWholeFramesThatDecodeWithTheRightHeaders() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(3000);
            try (RawHttp listener = RawHttp.get(server.port(), "/stream.mp3")) {
                assertThat(listener.status).isEqualTo(200);
                assertThat(listener.headers).containsEntry("content-type", "audio/mpeg")
                        .containsEntry("transfer-encoding", "chunked")
                        .containsEntry("cache-control", "no-cache, no-store, must-revalidate")
                        .containsEntry("pragma", "no-cache")
                        .containsEntry("expires", "0")
                        .containsEntry("access-control-allow-origin", "*")
                        .doesNotContainKey("icy-metaint")
                        .doesNotContainKey("content-length");
                assertThat(listener.headers.get("access-control-expose-headers")).containsIgnoringCase("icy-metaint");
                await("listeners", mount::listeners, 1, 10_000);
                long publishedAtJoin = mount.stream().head();

                clock.advanceMillis(5000);
                mount.stop();
                byte[] body = listener.readAll();

                Mp3Bytes.assertChunksHoldWholeFrames(body, listener.chunkSizes());
                int frames = Mp3Bytes.frames(body);
                // The burst is 1 s or 40 KiB, whichever is longer (LiveStreamSettings.BROWSER_START_BYTES):
                // at 64 kbps 40 KiB is over 5 s, so the listener gets all that was published before it joined.
                long burstFrames = publishedAtJoin;
                long expectedMicros = 5_000_000 + burstFrames * FRAME_MICROS;
                assertThat((long) frames * FRAME_MICROS).isCloseTo(expectedMicros,
                        org.assertj.core.data.Offset.offset((long) FRAME_MICROS));
                Decoded decoded = Mp3Decoding.decode(body);
                assertThat(decoded.frames()).isEqualTo(frames);
                assertThat(decoded.sampleRateHz()).isEqualTo(24000);
                assertThat(AudioMath.dominantFrequencyHz(decoded.channel(0), 4800, 24000, 24000, 300, 600))
                        .isEqualTo(440.0);
            }
        }
    }

    @Test
    void twoListenersThatJoinedAtDifferentTimesGetIdenticalFramesFromTheLaterOnesStart() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3").withBurstMillis(500)).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            try (RawHttp early = RawHttp.get(server.port(), "/stream.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(7000);  // past the 40 KiB burst floor (5.1 s at 64 kbps), so the later one starts later
                try (RawHttp late = RawHttp.get(server.port(), "/stream.mp3")) {
                    await("listeners", mount::listeners, 2, 10_000);
                    clock.advanceMillis(2000);
                    mount.stop();
                    BodyReader earlyBody = BodyReader.start(early);
                    byte[] lateBody = late.readAll();
                    byte[] earlyBytes = earlyBody.body();

                    assertThat(Mp3Bytes.frames(lateBody)).isGreaterThan(2000_000 / FRAME_MICROS);
                    assertThat(earlyBytes.length).isGreaterThan(lateBody.length);
                    assertThat(Mp3Bytes.endsWith(earlyBytes, lateBody))
                            .as("the later listener's bytes are the end of the earlier one's").isTrue();
                    Mp3Bytes.frames(earlyBytes);
                }
            }
        }
    }

    @Test
    void anHttp10ListenerGetsTheSameBytesAsAChunkedOneThatJoinedWithIt() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            try (RawHttp chunked = RawHttp.get(server.port(), "/stream.mp3");
                 RawHttp old = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.0", 0)) {
                await("listeners", mount::listeners, 2, 10_000);
                clock.advanceMillis(3000);  // many batches, each sent to the HTTP/1.0 listener as a slice of the shared one
                mount.stop();
                BodyReader chunkedBody = BodyReader.start(chunked);
                byte[] oldBody = old.readAll();
                assertThat(oldBody).isEqualTo(chunkedBody.body());
                assertThat((long) Mp3Bytes.frames(oldBody) * FRAME_MICROS).isGreaterThan(3_000_000L);
            }
        }
    }

    @Test
    void aBatchReachesEveryListenerWhenTheyAreMoreThanOneSliceOfTheLoop() throws Exception {
        Scheduler clock = Scheduler.manual();
        int n = 600;  // more than one slice (512) of writes per batch
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            java.util.List<RawHttp> listeners = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    listeners.add(RawHttp.get(server.port(), "/stream.mp3"));
                }
                await("listeners", mount::listeners, n, 20_000);
                clock.advanceMillis(1000);  // ten batches, each written in two slices
                mount.stop();
                byte[] first = listeners.get(0).readAll();
                assertThat((long) Mp3Bytes.frames(first) * FRAME_MICROS).isGreaterThan(1_900_000L);  // the burst (all 1 s so far) and 1 s more
                for (RawHttp l : listeners.subList(1, n)) {
                    assertThat(l.readAll()).isEqualTo(first);
                }
            } finally {
                for (RawHttp l : listeners) {
                    l.close();
                }
            }
        }
    }
}
