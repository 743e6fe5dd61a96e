package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mp3cast as an Icecast master: Debian's real {@code icecast2} in {@code <master-server>} mode
 * reads {@code /admin/streamlist.txt} and relays every mount, including one a source creates later.
 */
class IcecastMasterTest {
    private static final int UPDATE_INTERVAL_SECONDS = 2;
    private static final String RELAY_PASSWORD = "relay-secret";

    @TempDir
    Path dir;

    @Test
    void theStreamListNeedsTheRelayCredentialsAndListsEveryMountOnePerLineOverHttp10() throws Exception {
        try (Mp3CastServer server = ServerFixture.toneServer(Scheduler.manual(), MountConfig.of("/a.mp3"))
                .mount(MountConfig.of("/b.mp3"), AudioSources.tone(24000, 660), EncoderSettings.cbr(64))
                .master(MasterSettings.DEFAULT.withRelayPassword(RELAY_PASSWORD)).adminPassword("admin-secret").start()) {
            try (RawHttp none = RawHttp.request(server.port(), "GET", "/admin/streamlist.txt", "HTTP/1.0", 0)) {
                assertThat(none.status).isEqualTo(401);
            }
            try (RawHttp wrong = RawHttp.request(server.port(), "GET", "/admin/streamlist.txt", "HTTP/1.0", 0,
                    basic("relay:wrong"))) {
                assertThat(wrong.status).isEqualTo(401);
            }
            for (String credentials : new String[] {"relay:" + RELAY_PASSWORD, "admin:admin-secret"}) {
                try (RawHttp list = RawHttp.request(server.port(), "GET", "/admin/streamlist.txt", "HTTP/1.0", 0,
                        basic(credentials))) {
                    assertThat(list.status).isEqualTo(200);
                    assertThat(list.headers).doesNotContainKey("transfer-encoding");
                    assertThat(new String(list.readAll(), StandardCharsets.UTF_8)).isEqualTo("/a.mp3\n/b.mp3\n");
                    assertThat(list.serverClosed()).as("an HTTP/1.0 answer ends with the connection").isTrue();
                }
            }
        }
    }

    @Test
    void aRelayingIcecastsHttp10IcyRequestGetsAnUnchunkedBodyWithMetadataEveryMetaintBytes() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/a.mp3").withIcyMetaIntervalBytes(4000), AudioSources.tone(24000, 440),
                        EncoderSettings.cbr(64), "tone").start();
             IcyCapture relay = IcyCapture.open(server.port(), "/a.mp3")) {
            server.mount("/a.mp3").setTitle("on air");
            assertThat(relay.headers).containsEntry("icy-metaint", "4000").doesNotContainKey("transfer-encoding");
            relay.awaitTitle("on air", 5000);
            relay.awaitAudioBytes(16_000, 10_000);
            assertThat(Heard.of(relay).assertDecodesCleanly().dominantHz(0.2, 1.2)).isCloseTo(440, offset(5.0));
        }
    }

    @Test
    void anIcecastSlaveRelaysEveryMountWithinItsUpdateIntervalAndItsListenersDecodeThem() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/a.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone 440")
                .mount(MountConfig.of("/b.mp3"), AudioSources.tone(24000, 660), EncoderSettings.cbr(64), "tone 660")
                .master(MasterSettings.DEFAULT.withRelayPassword(RELAY_PASSWORD)).start();
             Icecast slave = Icecast.start(dir, "  <master-server>127.0.0.1</master-server>"
                     + "<master-server-port>" + server.port() + "</master-server-port>"
                     + "<master-update-interval>" + UPDATE_INTERVAL_SECONDS + "</master-update-interval>"
                     + "<master-username>relay</master-username><master-password>" + RELAY_PASSWORD + "</master-password>"
                     + "<relays-on-demand>0</relays-on-demand>", 65536)) {
            long withinMillis = UPDATE_INTERVAL_SECONDS * 1000L + 2000;
            slave.awaitStatus(withinMillis, listenUrl(slave, "/a.mp3"), listenUrl(slave, "/b.mp3"));

            try (Pusher source = Pusher.chunked(server.port(), "/c.mp3?format=f32le&rate=24000")) {
                source.write(TonePcm.seconds(24000, 880, 1));
                long created = System.nanoTime();
                slave.awaitStatus(withinMillis, listenUrl(slave, "/c.mp3"));
                System.out.printf("master: a new mount on the slave %.0f ms after it was created%n",
                        (System.nanoTime() - created) / 1e6);
            }
            try (IcyCapture a = IcyCapture.open(slave.port(), "/a.mp3");
                 IcyCapture b = IcyCapture.open(slave.port(), "/b.mp3")) {
                a.awaitAudioBytes(24_000, 10_000);
                b.awaitAudioBytes(24_000, 10_000);
                assertThat(Heard.of(a).assertDecodesCleanly().dominantHz(0.5, 2.5)).isCloseTo(440, offset(5.0));
                assertThat(Heard.of(b).assertDecodesCleanly().dominantHz(0.5, 2.5)).isCloseTo(660, offset(5.0));
            }
        }
    }

    private static String listenUrl(Icecast icecast, String mount) {
        return "\"listenurl\":\"http://127.0.0.1:" + icecast.port() + mount + "\"";
    }

    private static String basic(String credentials) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** A sine as raw float PCM, as a producer pushes it. */
    static final class TonePcm {
        private TonePcm() {}

        static byte[] seconds(int rateHz, double hz, double seconds) {
            float[] tone = io.mp3cast.testing.Signals.toneMix(rateHz, (int) (rateHz * seconds), 0.5, hz);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(tone.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(tone);
            return b.array();
        }
    }
}
