package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.FRAME_MICROS;
import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.Signals;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code ?burst-ms=N} on a live mount: the listener's own burst, with no byte floor, and for a
 * small one (at most 1000 ms) every frame as it is published instead of a batch at a time. Counted
 * in frames on a manual clock: the tone mount's frames are 192 bytes, 24 ms each.
 */
class LowLatencyListenerTest {
    private static final int FRAME_BYTES = 192;

    @Test
    void aListenerThatAsksForABurstGetsThatMuchAudioWhileADefaultOneGetsTheFortyKibFloor() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(3000);
            long published = mount.stream().head();
            try (RawHttp small = RawHttp.get(server.port(), "/stream.mp3?burst-ms=240");
                 RawHttp plain = RawHttp.get(server.port(), "/stream.mp3")) {
                await("listeners", mount::listeners, 2, 10_000);

                byte[] burst = firstChunk(small);
                byte[] plainBurst = firstChunk(plain);

                assertThat(Mp3Bytes.frames(burst)).as("frames in a 240 ms burst").isEqualTo(240_000 / FRAME_MICROS);
                // 40 KiB is 5 s at 64 kbps: a default listener gets all 3 s published so far.
                assertThat((long) Mp3Bytes.frames(plainBurst)).as("frames in the default burst").isEqualTo(published);
            }
        }
    }

    @Test
    void aListenerAskingForNoBurstGetsNothingUntilTheNextFramesArePublished() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(2000);
            try (RawHttp listener = RawHttp.get(server.port(), "/stream.mp3?burst-ms=0")) {
                await("listeners", mount::listeners, 1, 10_000);
                assertThat(unread(listener)).as("bytes before anything new was published").isZero();

                publish(clock, mount, 1);

                assertThat(firstChunk(listener)).hasSize(FRAME_BYTES);
            }
        }
    }

    @Test
    void aLowLatencyListenerGetsEachFrameAsItIsPublishedWhileABatchedOneWaitsForItsBatch() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3").withBatchMillis(1000)).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1500);  // batches went out at about 1008 ms; the next is due at about 2016 ms
            try (RawHttp fast = RawHttp.get(server.port(), "/stream.mp3?burst-ms=100");
                 RawHttp batched = RawHttp.get(server.port(), "/stream.mp3")) {
                await("listeners", mount::listeners, 2, 10_000);
                firstChunk(fast);
                firstChunk(batched);

                publish(clock, mount, 5);

                assertThat(Mp3Bytes.frames(fast.readExactly(5 * FRAME_BYTES))).as("frames the low-latency listener got")
                        .isEqualTo(5);
                assertThat(unread(batched)).as("bytes the batched listener got in 120 ms of a 1000 ms batch").isZero();

                clock.advanceMillis(1000);

                assertThat(Mp3Bytes.frames(firstChunk(batched))).as("frames in the batched listener's next write")
                        .isGreaterThanOrEqualTo(10);
            }
        }
    }

    @Test
    void whileALowLatencyListenerListensAPushMountPublishesEachFrameWhenItIsDueNotABatchAtATime() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).start()) {
            PushWriter producer = server.push("/live.mp3", PcmFormat.floatMono(24000));
            float[] tone = Signals.toneMix(24000, 24000 * 3, 0.5, 440);
            producer.write(tone, 0, tone.length);  // 3 s ahead: the play-out paces it
            Mount mount = server.mount("/live.mp3");
            clock.advanceMillis(500);
            try (RawHttp fast = RawHttp.get(server.port(), "/live.mp3?burst-ms=0")) {
                await("listeners", mount::listeners, 1, 10_000);
                long before = mount.stream().head();
                for (int frame = 1; frame <= 5; frame++) {
                    clock.advanceMillis(FRAME_MICROS / 1000);
                    assertThat(mount.stream().head() - before).as("frames published after %d frames' time", frame)
                            .isEqualTo(frame);
                }
                assertThat(Mp3Bytes.frames(fast.readExactly(5 * FRAME_BYTES))).as("frames the listener got").isEqualTo(5);
            }
            await("listeners", mount::listeners, 0, 10_000);
            int[] perFrameTime = new int[10];
            for (int i = 0; i < perFrameTime.length; i++) {
                long head = mount.stream().head();
                clock.advanceMillis(FRAME_MICROS / 1000);
                perFrameTime[i] = (int) (mount.stream().head() - head);
            }
            assertThat(perFrameTime).as("frames published per frame's time, a batch step (100 ms) at a time again")
                    .contains(0);
            assertThat(java.util.Arrays.stream(perFrameTime).max().orElse(0)).as("most frames published in one frame's time")
                    .isGreaterThanOrEqualTo(3);
            producer.close();
        }
    }

    @Test
    void aBurstThatIsNotANumberOrLongerThanTheStreamKeepsGets400NamingIt() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            try (RawHttp words = RawHttp.get(server.port(), "/stream.mp3?burst-ms=soon");
                 RawHttp huge = RawHttp.get(server.port(), "/stream.mp3?burst-ms=999999")) {
                assertThat(words.status).isEqualTo(400);
                assertThat(new String(words.readAll(), StandardCharsets.UTF_8)).contains("burst-ms: not a whole number: 'soon'");
                assertThat(huge.status).isEqualTo(400);
                assertThat(new String(huge.readAll(), StandardCharsets.UTF_8)).contains("burst-ms: 999999 out of range");
            }
        }
    }

    /** Advances the clock a frame's time at a time until {@code frames} more frames are published. */
    private static void publish(Scheduler clock, Mount mount, int frames) {
        long target = mount.stream().head() + frames;
        for (int step = 0; step < 10 * frames && mount.stream().head() < target; step++) {
            clock.advanceMillis(FRAME_MICROS / 1000);
        }
        assertThat(mount.stream().head()).as("frames published").isGreaterThanOrEqualTo(target);
    }

    /** The next whole chunk of the body (a burst, a batch or a frame is written as one chunk). */
    private static byte[] firstChunk(RawHttp listener) throws IOException {
        int before = listener.chunkSizes().size();
        byte[] first = listener.readExactly(1);
        int size = listener.chunkSizes().get(before);
        byte[] rest = listener.readExactly(size - 1);
        byte[] chunk = new byte[size];
        chunk[0] = first[0];
        System.arraycopy(rest, 0, chunk, 1, rest.length);
        return chunk;
    }

    /** Bytes that have arrived on the socket and are not read yet. */
    private static int unread(RawHttp listener) throws IOException {
        return listener.socket.getInputStream().available();
    }
}
