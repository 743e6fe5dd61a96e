package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSources;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount pushing itself out to Debian's real {@code icecast2} ({@code relay-to}): Icecast's
 * listeners hear it, titles follow, and when Icecast dies and comes back the relay is back while the
 * mount's own listeners never notice.
 */
class RelayToIcecastTest {
    private static final double HZ = 550;

    @TempDir
    Path dir;

    @Test
    void icecastsListenersHearTheMountAndItsTitleAndTheRelayOutlivesAnIcecastRestartWhileLocalListenersPlayOn()
            throws Exception {
        try (Icecast icecast = Icecast.start(dir);
             Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                     .mount(MountConfig.of("/radio.mp3").withName("Relayed radio"),
                             AudioSources.tone(PcmFormat.of(44100, 2, SampleEncoding.FLOAT32_LE), HZ),
                             EncoderSettings.cbr(128), "tone 550 Hz")
                     .relayTo("/radio.mp3", RelayTarget.parse(icecast.sourceUrl("/relayed.mp3")))
                     .start();
             IcyCapture local = IcyCapture.open(server.port(), "/radio.mp3")) {
            Mount mount = server.mount("/radio.mp3");
            icecast.awaitStatus(10_000, "\"listenurl\":\"http://127.0.0.1:" + icecast.port() + "/relayed.mp3\"",
                    "\"audio_info\":\"samplerate=44100;channels=2;bitrate=128\"", "\"server_name\":\"Relayed radio\"");

            try (IcyCapture before = IcyCapture.open(icecast.port(), "/relayed.mp3")) {
                before.awaitAudioBytes(64 * 1024 + 2 * 16_000, 10_000);  // the burst, then two seconds
                long set = System.nanoTime();
                mount.setTitle("Now playing: 550 Hz");
                long heard = before.awaitTitle("Now playing: 550 Hz", 5000);
                System.out.printf("relay-to: title on Icecast's ICY stream %.0f ms after setTitle%n", (heard - set) / 1e6);
                assertThat((heard - set) / 1e6).as("ms from setTitle to Icecast's ICY stream").isLessThan(2000);
                assertThat(Heard.of(before).assertDecodesCleanly().dominantHz(0.5, 3.5)).isCloseTo(HZ, offset(5.0));
            }
            RelayStatus up = mount.relays().get(0);
            assertThat(up.connected()).isTrue();
            assertThat(up.bytes()).isPositive();
            assertThat(StatusTest.get(server.port(), "/status.json")).contains("\"relays\":[{\"url\":\"icecast://127.0.0.1:"
                    + icecast.port() + "/relayed.mp3\",\"state\":\"connected\",\"connected\":true");

            icecast.kill();
            long restarted = System.nanoTime();
            icecast.restart();
            await("the relay back on the restarted Icecast", 10_000, () -> icecast.hasMount("/relayed.mp3"));
            System.out.printf("relay-to: back on Icecast %.0f ms after its restart began%n", (System.nanoTime() - restarted) / 1e6);
            assertThat((System.nanoTime() - restarted) / 1e6).as("ms from the restart to the relay being back")
                    .isLessThan(5000);
            assertThat(mount.relays().get(0).reconnects()).isPositive();
            assertThat(mount.relays().get(0).lastError()).isNotEmpty();

            try (IcyCapture after = IcyCapture.open(icecast.port(), "/relayed.mp3")) {
                after.awaitTitle("Now playing: 550 Hz", 5000);  // sent again on the new connection
                after.awaitAudioBytes(2 * 16_000, 10_000);
                assertThat(Heard.of(after).assertDecodesCleanly().dominantHz(0.5, 1.5)).isCloseTo(HZ, offset(5.0));
            }

            Heard heardLocally = Heard.of(local).assertDecodesCleanly();
            assertThat(heardLocally.leadingJunk()).isZero();
            assertPlayedInRealTime(heardLocally, HZ);
            assertThat(heardLocally.windows(0.5, HZ)).allSatisfy(w -> assertThat(w.isTone()).as("%s", w).isTrue());
        }
    }

    /**
     * The listener's audio arrives as it plays, as the load bench defines "held": its lead (audio
     * received less the wall time since its first audio) never falls more than a second below the
     * highest lead of its first second (the burst), and no second passes without audio.
     */
    static void assertPlayedInRealTime(Heard heard, double hz) {
        List<Heard.Window> windows = heard.windows(0.25, hz);
        assertThat(windows.size()).as("quarter seconds heard").isGreaterThan(20);
        long start = windows.get(0).arrivedNanos() - (long) (0.25e9);
        double reference = -Double.MAX_VALUE;
        double maxLag = 0;
        long previous = windows.get(0).arrivedNanos();
        for (int i = 0; i < windows.size(); i++) {
            Heard.Window w = windows.get(i);
            double lead = w.atSeconds() + 0.25 - (w.arrivedNanos() - start) / 1e9;
            if (i < 4) {
                reference = Math.max(reference, lead);
            } else {
                maxLag = Math.max(maxLag, reference - lead);
            }
            assertThat((w.arrivedNanos() - previous) / 1e6).as("ms between audio at %.2f s", w.atSeconds()).isLessThan(1000);
            previous = w.arrivedNanos();
        }
        System.out.printf("relay-to: the local listener's largest lag behind real time: %.0f ms (load %s)%n", maxLag * 1000,
                loadAverage());
        assertThat(maxLag).as("the local listener's largest lag behind real time, s").isLessThan(1.0);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }
}
