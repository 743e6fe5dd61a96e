package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import org.junit.jupiter.api.Test;

class RangeAndHeadTest {

    @Test
    void safarisTwoByteProbeGets206WithAContentRangeAndItsFollowUpRangeABodyThatDecodes() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(2000);

            try (RawHttp probe = RawHttp.get(server.port(), "/stream.mp3", "Range: bytes=0-1")) {
                assertThat(probe.status).isEqualTo(206);
                assertThat(probe.headers).containsEntry("content-range", "bytes 0-1/2147483647")
                        .containsEntry("content-length", "2").containsEntry("content-type", "audio/mpeg")
                        .containsEntry("accept-ranges", "bytes");
                byte[] two = probe.readAll();
                assertThat(two).hasSize(2);
                assertThat(two[0]).isEqualTo((byte) 0xFF);
                assertThat(two[1] & 0xE0).as("frame sync").isEqualTo(0xE0);
            }

            try (RawHttp stream = RawHttp.get(server.port(), "/stream.mp3", "Range: bytes=0-")) {
                assertThat(stream.status).isEqualTo(206);
                assertThat(stream.headers).containsEntry("content-range", "bytes 0-2147483646/2147483647")
                        .containsEntry("transfer-encoding", "chunked");
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(1000);
                mount.stop();
                byte[] body = stream.readAll();
                Decoded decoded = Mp3Decoding.decode(body);
                assertThat(decoded.frames()).isEqualTo(Mp3Bytes.frames(body)).isGreaterThan(80);
            }
        }
    }

    @Test
    void headGetsTheListenerHeadersAndNoBody() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).demoRoutes().start()) {
            clock.advanceMillis(500);
            try (RawHttp head = RawHttp.request(server.port(), "HEAD", "/stream.mp3", "HTTP/1.1", 0)) {
                assertThat(head.status).isEqualTo(200);
                assertThat(head.headers).containsEntry("content-type", "audio/mpeg")
                        .containsEntry("cache-control", "no-cache, no-store, must-revalidate")
                        .containsEntry("access-control-allow-origin", "*");
            }
            try (RawHttp head = RawHttp.request(server.port(), "HEAD", "/stream.mp3", "HTTP/1.1", 0, "Range: bytes=0-1")) {
                assertThat(head.status).isEqualTo(206);
                assertThat(head.headers).containsEntry("content-range", "bytes 0-1/2147483647");
            }
            try (RawHttp head = RawHttp.request(server.port(), "HEAD", "/tone.mp3?seconds=1", "HTTP/1.1", 0)) {
                assertThat(head.status).isEqualTo(200);
                assertThat(head.headers).containsEntry("content-type", "audio/mpeg");
            }
            assertThat(server.mount("/stream.mp3").listeners()).isZero();
            assertThat(server.openStreams()).isZero();
        }
    }

    @Test
    void anHttp10ListenerGetsTheStreamWithoutChunkFramingUntilTheConnectionCloses() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            try (RawHttp old = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.0", 0)) {
                assertThat(old.status).isEqualTo(200);
                assertThat(old.headers).doesNotContainKey("transfer-encoding").doesNotContainKey("content-length");
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(1000);
                mount.stop();
                byte[] body = old.readAll();
                assertThat(Mp3Bytes.frames(body)).isGreaterThan(80);
            }
        }
    }
}
