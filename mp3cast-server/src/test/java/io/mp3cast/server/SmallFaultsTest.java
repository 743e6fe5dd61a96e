package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Signals;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Issue 14, item 8: ranges, lag after the burst, malformed requests closed, Host required, dot segments refused. */
class SmallFaultsTest {

    @Test
    void aRangeAtAnyOffsetAnswersExactlyTheBytesItsContentRangeNamesOrTheWholeStreamWith200() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            clock.advanceMillis(2000);
            byte[] first;
            try (RawHttp whole = RawHttp.get(server.port(), "/stream.mp3", "Range: bytes=0-1000")) {
                first = whole.readAll();
                assertThat(first).hasSize(1001);
            }
            try (RawHttp r = RawHttp.get(server.port(), "/stream.mp3", "Range: bytes=100-200")) {
                assertThat(r.status).isEqualTo(206);
                assertThat(r.headers).containsEntry("content-range", "bytes 100-200/2147483647");
                assertThat(r.readAll()).isEqualTo(Arrays.copyOfRange(first, 100, 201));
            }
            try (RawHttp r = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.0", 0, "Range: bytes=100-")) {
                assertThat(r.status).as("an open range from a later offset: the stream, as 200").isEqualTo(200);
                assertThat(r.headers).doesNotContainKey("content-range");
                assertThat(r.readExactly(4)[0]).as("it starts at a frame, not at byte 100").isEqualTo((byte) 0xFF);
            }
            try (RawHttp r = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.0", 0,
                    "Range: bytes=900000-900010")) {
                assertThat(r.status).as("beyond the burst: the stream, as 200").isEqualTo(200);
            }
        }
    }

    @Test
    void aListenerThatStopsReadingIsDroppedAfterTheQueueBoundNotSoonerByItsBurst() throws Exception {
        Scheduler clock = Scheduler.manual();
        // At 64 kbps the burst is at least 40 KiB: 5 s of audio, half the queue bound.
        MountConfig config = MountConfig.of("/stream.mp3").withQueueMillis(10_000).withBurstMillis(1000);
        try (Mp3CastServer server = toneServer(clock, config).sendBufferBytes(16 * 1024).start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(6000);
            try (RawHttp stalled = RawHttp.request(server.port(), "GET", "/stream.mp3", "HTTP/1.1", 2048)) {
                await("listeners", mount::listeners, 1, 10_000);
                int advancedMillis = 0;
                while (mount.listeners() == 1 && advancedMillis < 60_000) {
                    clock.advanceMillis(250);
                    advancedMillis += 250;
                    Thread.sleep(2);
                }
                assertThat(mount.listeners()).isZero();
                assertThat(advancedMillis).as("audio played before the stalled listener was dropped")
                        .isGreaterThanOrEqualTo(9500).isLessThan(30_000);
                assertThat(stalled.serverClosed()).isTrue();
            }
        }
    }

    @Test
    void aMalformedRequestGets400AndItsConnectionIsClosed() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3")).start();
             Crowd bad = Crowd.connect(server.port(), 1, null, "GET /status.json XTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(bad.awaitAllClosed(5_000)).as("closed after its 400, before any timeout").isZero();
            assertThat(bad.members().get(0).received()).startsWith("HTTP/1.").contains(" 400 Bad Request").contains("malformed request");
        }
    }

    @Test
    void http11WithoutHostGets400AndHttp10WithoutHostIsServed() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3")).start();
             Crowd noHost = Crowd.connect(server.port(), 1, null, "GET /status.json HTTP/1.1\r\n\r\n");
             Crowd twoHosts = Crowd.connect(server.port(), 1, null, "GET /status.json HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
             Crowd old = Crowd.connect(server.port(), 1, null, "GET /status.json HTTP/1.0\r\n\r\n")) {
            assertThat(noHost.awaitAllClosed(5_000)).isZero();
            assertThat(noHost.members().get(0).received()).startsWith("HTTP/1.1 400 ").contains("exactly one Host");
            assertThat(twoHosts.awaitAllClosed(5_000)).isZero();
            assertThat(twoHosts.members().get(0).received()).startsWith("HTTP/1.1 400 ");
            assertThat(old.awaitAllClosed(5_000)).isZero();
            assertThat(old.members().get(0).received()).startsWith("HTTP/1.0 200 OK");
        }
    }

    @Test
    void dotSegmentsAreRefusedAndNeverBecomeAMountAndDoubleSlashesAreNormalised() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual()).start()) {
            byte[] oneSecond = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));
            for (String path : new String[] {"/a/../b.mp3", "/a/%2e%2e/b.mp3", "/./b.mp3", "/a%2Fb.mp3"}) {
                var res = Put.send(java.net.http.HttpClient.newHttpClient(), server.port(), path + "?format=f32le&rate=24000",
                        oneSecond);
                assertThat(res.statusCode()).as(path).isEqualTo(400);
                assertThat(res.body()).as(path).startsWith("path: ");
            }
            assertThat(server.mounts()).isEmpty();
            try (RawHttp r = RawHttp.get(server.port(), "//status.json")) {
                assertThat(r.status).isEqualTo(200);
            }
            try (RawHttp r = RawHttp.get(server.port(), "/web/../status.json")) {
                assertThat(r.status).isEqualTo(400);
            }
        }
    }
}
