package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import org.junit.jupiter.api.Test;

class SlowListenerTest {

    @Test
    void aListenerThatStopsReadingIsDroppedPastItsQueueWhileANormalListenerMissesNothing() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withQueueMillis(2000).withBurstMillis(0);
        try (Mp3CastServer server = toneServer(clock, config).sendBufferBytes(16 * 1024).start()) {
            Mount mount = server.mount("/stream.mp3");
            ServerFixture.Tap tap = ServerFixture.Tap.on(mount.stream());
            clock.advanceMillis(500);
            RawHttp normal = RawHttp.get(server.port(), "/stream.mp3");
            BodyReader normalBody = BodyReader.start(normal);
            try (RawHttp stalled = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.1", 2048)) {
                await("listeners", mount::listeners, 2, 10_000);

                // Virtual time runs as fast as the test advances it: after each step, wait until the
                // normal listener has what was published a step before, as real time would allow.
                int tapAtJoin = tap.toByteArray().length;
                int advancedMillis = 0;
                while (mount.listeners() == 2 && advancedMillis < 120_000) {
                    int before = tap.toByteArray().length - tapAtJoin;
                    clock.advanceMillis(100);
                    advancedMillis += 100;
                    IcecastSourceTest.awaitTrue("normal listener has the previous step", () -> normalBody.received() >= before);
                }
                assertThat(mount.listeners()).as("listeners after %d ms of audio", advancedMillis).isEqualTo(1);
                // Dropped after its bound plus what kernel buffers of a few KB hold, not after minutes.
                assertThat(advancedMillis).isGreaterThan(2000).isLessThan(60_000);
                assertThat(stalled.serverClosed()).isTrue();

                clock.advanceMillis(1000);
                mount.stop();
                byte[] received = normalBody.body();
                byte[] published = tap.toByteArray();
                assertThat(Mp3Bytes.frames(received)).isGreaterThan(advancedMillis / 24);
                assertThat(Mp3Bytes.endsWith(published, received))
                        .as("the normal listener got every frame since it joined, without a gap").isTrue();
            } finally {
                normal.close();
            }
        }
    }
}
