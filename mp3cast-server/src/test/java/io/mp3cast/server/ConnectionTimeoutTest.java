package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 14, item 1: idle connections and trickled heads no longer hold the server's sockets. */
class ConnectionTimeoutTest {
    private static final int TIMEOUT_MILLIS = 3000;
    /** 64 kbps. */
    private static final int BYTES_PER_SECOND = 8000;

    private static Mp3CastServer.Builder realTimeToneServer() {
        return Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/stream.mp3").withBurstMillis(0), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .limits(ConnectionLimits.DEFAULT.withHeaderTimeoutMillis(TIMEOUT_MILLIS).withIdleTimeoutMillis(TIMEOUT_MILLIS)
                        .withMaxConnectionsPerIp(0));
    }

    @Test
    void twoThousandIdleAndTrickledConnectionsAreClosedByTheTimeoutsWhileAListenerKeepsStreamingInRealTime()
            throws Exception {
        try (Mp3CastServer server = realTimeToneServer().start();
             RawHttp listener = RawHttp.get(server.port(), "/stream.mp3")) {
            AtomicLong received = new AtomicLong();
            Thread reader = readInBackground(listener.body, received);
            await("listeners", server.mount("/stream.mp3")::listeners, 1, 10_000);
            Thread.sleep(500);

            long before = received.get();
            long start = System.nanoTime();
            try (Crowd idle = Crowd.connect(server.port(), 1000, null, "");
                 Crowd trickling = Crowd.connect(server.port(), 1000, null, "GET /stream.mp3 HTTP/1.1\r\nHost: x\r\nX-")) {
                int peak = 0;
                // The trickling clients send one more byte of a header every 200 ms: each byte is progress, none is a head.
                long deadline = System.nanoTime() + 15_000_000_000L;
                while ((idle.open() > 0 || trickling.open() > 0) && System.nanoTime() < deadline) {
                    trickling.sendToAll("a");
                    trickling.poll(100);
                    idle.poll(100);
                    peak = Math.max(peak, server.openConnections());
                }
                assertThat(peak).as("connections the server held at once").isGreaterThan(1000);
                assertThat(idle.open()).as("idle connections left open").isZero();
                assertThat(trickling.open()).as("trickling connections left open").isZero();
                for (Crowd.Member m : trickling.members()) {
                    assertThat(m.received()).startsWith("HTTP/1.1 408 Request Timeout");
                }
                for (Crowd.Member m : idle.members()) {
                    assertThat(m.received()).as("an idle connection is closed without a word").isEmpty();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long during = received.get() - before;
            assertThat(during).as("bytes the listener got in %.1f s of attack", seconds)
                    .isGreaterThan((long) ((seconds - 1.0) * BYTES_PER_SECOND));
            await("connections", server::openConnections, 1, 10_000);
            try (RawHttp late = RawHttp.get(server.port(), "/stream.mp3")) {
                assertThat(late.status).isEqualTo(200);
                assertThat(late.readExactly(418)).isNotEmpty();
            }
            reader.interrupt();
        }
    }

    @Test
    void aHeadTrickledAByteAtATimeGets408AtTheHeaderTimeoutCountedFromItsFirstByte() throws Exception {
        try (Mp3CastServer server = realTimeToneServer().start();
             Crowd one = Crowd.connect(server.port(), 1, null, "G")) {
            long start = System.nanoTime();
            String head = "ET /status.json HTTP/1.1\r\nHost: x\r\n";
            for (int i = 0; i < head.length() && one.open() > 0; i++) {
                one.sendToAll(head.substring(i, i + 1));
                one.poll(100);
            }
            assertThat(one.awaitAllClosed(10_000)).isZero();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(one.members().get(0).received()).startsWith("HTTP/1.1 408 ")
                    .contains("request head not complete within " + TIMEOUT_MILLIS + " ms").contains("X-Request-Id: ");
            assertThat(millis).as("closed at the header timeout, though a byte came every 100 ms")
                    .isBetween((long) TIMEOUT_MILLIS - 100, TIMEOUT_MILLIS + 3000L);
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutAndACompleteHeadIsNotCutShort() throws Exception {
        try (Mp3CastServer server = realTimeToneServer().start();
             Crowd one = Crowd.connect(server.port(), 1, null, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n")) {
            for (int i = 0; i < 50 && !one.members().get(0).received().contains("\"mounts\""); i++) {
                one.poll(100);
            }
            assertThat(one.members().get(0).received()).startsWith("HTTP/1.1 200 OK");
            assertThat(one.open()).as("kept alive after its response").isEqualTo(1);
            assertThat(one.awaitAllClosed(10_000)).as("closed by the idle timeout").isZero();
        }
    }

    private static Thread readInBackground(InputStream body, AtomicLong received) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = body.read(buf)) >= 0) {
                    received.addAndGet(n);
                }
            } catch (java.io.IOException e) {
                // the test closes the connection
            }
        }, "listener");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
