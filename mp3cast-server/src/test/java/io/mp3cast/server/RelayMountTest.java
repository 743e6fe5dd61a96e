package io.mp3cast.server;

import static io.mp3cast.server.RelayToIcecastTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.live.push.PlayoutState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relay mounts ({@code relay:url=...}) pulling a mount of Debian's real {@code icecast2} that ffmpeg
 * feeds: listeners hear it with its titles, hear silence while Icecast is gone, and the tone again
 * soon after it is back; an on-demand relay connects only while it has listeners (or an HLS client lately).
 */
class RelayMountTest {
    private static final double HZ = 550;

    @TempDir
    Path dir;

    @Test
    void aRelayMountPlaysTheUpstreamWithItsTitlesSilenceWhileItIsGoneAndTheToneAgainWithin5sOfItsReturn()
            throws Exception {
        String ffmpeg = Tools.require("ffmpeg", "ffmpeg");
        try (Icecast icecast = Icecast.start(dir, "", 16 * 1024)) {
            Process feeder = feedUntilMounted(ffmpeg, icecast, "/up.mp3");
            try {
                try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                        .relayMount(MountConfig.of("/relay.mp3"), Upstream.parse(icecast.url("/up.mp3"), false), null)
                        .relayMount(MountConfig.of("/ondemand.mp3"), Upstream.parse(icecast.url("/up.mp3"), true), null)
                        .start();
                     IcyCapture listener = IcyCapture.open(server.port(), "/relay.mp3")) {
                    feeder = playThroughAnIcecastRestart(ffmpeg, icecast, feeder, server, listener);
                }
            } finally {
                feeder.destroyForcibly();
            }
        }
    }

    private Process playThroughAnIcecastRestart(String ffmpeg, Icecast icecast, Process feeder, Mp3CastServer server,
                                                IcyCapture listener) throws Exception {
        Mount relay = server.mount("/relay.mp3");
        listener.awaitAudioBytes(2 * 16_000, 10_000);
        setTitleOnIcecast(icecast, "/up.mp3", "Upstream title");
        listener.awaitTitle("Upstream title", 5000);
        assertThat(relay.title()).isEqualTo("Upstream title");

        onDemandConnectsOnlyWithAListener(icecast, server);

        icecast.kill();
        feeder.destroyForcibly();
        await("silence on the relay mount", 10_000,
                () -> relay.pushFeed().orElseThrow().playoutState() == PlayoutState.SILENCE);
        Thread.sleep(1000);
        assertThat(relay.upstream().orElseThrow().connected()).isFalse();

        icecast.restart();
        Process again = feedUntilMounted(ffmpeg, icecast, "/up.mp3");
        long upstreamBack = System.nanoTime();
        await("the relay playing the upstream again", 10_000,
                () -> relay.pushFeed().orElseThrow().playoutState() == PlayoutState.LIVE);
        Thread.sleep(1500);
        assertThat(icecast.statusJson()).as("the on-demand relay, without listeners, stays away")
                .contains("\"listeners\":1,");
        assertThat(server.mount("/ondemand.mp3").upstream().orElseThrow().state()).isEqualTo("waiting");
        onDemandConnectsForAnHlsClient(server);

        assertThat(listener.ended()).as("the listener stayed connected").isFalse();
        Heard heard = Heard.of(listener).assertDecodesCleanly();
        assertThat(heard.leadingJunk()).isZero();
        List<Heard.Window> windows = heard.windows(0.25, HZ);
        int firstTone = indexOf(windows, 0, true);
        int silence = indexOfSilence(windows, firstTone);
        int toneAgain = indexOf(windows, silence, true);
        assertThat(firstTone).as("tone before Icecast died").isGreaterThanOrEqualTo(0);
        assertThat(silence).as("silence while it was gone").isGreaterThan(firstTone);
        assertThat(toneAgain).as("tone after it came back").isGreaterThan(silence);
        double secondsToTone = (windows.get(toneAgain).arrivedNanos() - upstreamBack) / 1e9;
        System.out.printf("relay mount: tone again %.2f s after the upstream was back%n", secondsToTone);
        assertThat(secondsToTone).isLessThan(5);
        assertThat(windows.subList(silence, toneAgain)).allSatisfy(w -> assertThat(w.isTone()).isFalse());
        return again;
    }

    private void onDemandConnectsOnlyWithAListener(Icecast icecast, Mp3CastServer server) throws Exception {
        Mount onDemand = server.mount("/ondemand.mp3");
        assertThat(onDemand.upstream().orElseThrow().state()).isEqualTo("waiting");
        assertThat(icecast.statusJson()).contains("\"listeners\":1,");
        try (IcyCapture listener = IcyCapture.open(server.port(), "/ondemand.mp3")) {
            await("the on-demand relay connected", 5000, () -> onDemand.upstream().orElseThrow().connected());
            icecast.awaitStatus(5000, "\"listeners\":2,");
            listener.awaitAudioBytes(2 * 16_000, 10_000);
            assertThat(Heard.of(listener).assertDecodesCleanly().dominantHz(0.5, 1.5)).isCloseTo(HZ, offset(5.0));
        }
        await("the on-demand relay gone 5 s after its listener", 10_000,
                () -> onDemand.upstream().orElseThrow().state().equals("waiting"));
    }

    /** An HLS client wants the frames too: its playlist request brings an on-demand relay back. */
    private static void onDemandConnectsForAnHlsClient(Mp3CastServer server) throws Exception {
        Mount onDemand = server.mount("/ondemand.mp3");
        assertThat(onDemand.upstream().orElseThrow().state()).isEqualTo("waiting");
        HttpResponse<String> playlist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/ondemand.m3u8")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(playlist.statusCode()).isEqualTo(200);
        await("the on-demand relay connected for an HLS client", 5000, () -> onDemand.upstream().orElseThrow().connected());
    }

    private static int indexOf(List<Heard.Window> windows, int from, boolean tone) {
        for (int i = Math.max(0, from); i < windows.size(); i++) {
            if (windows.get(i).isTone() == tone) {
                return i;
            }
        }
        return -1;
    }

    /** The first of at least four silent windows in a row (a second) after {@code from}. */
    private static int indexOfSilence(List<Heard.Window> windows, int from) {
        for (int i = Math.max(0, from); i + 4 <= windows.size(); i++) {
            if (windows.subList(i, i + 4).stream().allMatch(Heard.Window::isSilent)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * ffmpeg feeding {@code mount} until Icecast lists it. An ffmpeg that gave up (Icecast, just
     * started on a loaded machine, can refuse a source's first try) is started again, up to three
     * times in 20 s; a failure says what ffmpeg printed.
     */
    private Process feedUntilMounted(String ffmpeg, Icecast icecast, String mount) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Path log = dir.resolve("ffmpeg-" + System.nanoTime() + ".log");
        Process feeder = feed(ffmpeg, icecast, mount, log);
        for (int tries = 1; !icecast.hasMount(mount); Thread.sleep(50)) {
            if (!feeder.isAlive() && tries < 3) {
                tries++;
                feeder = feed(ffmpeg, icecast, mount, log);
            }
            if (System.nanoTime() > deadline) {
                feeder.destroyForcibly();
                throw new AssertionError("ffmpeg's " + mount + " not on Icecast within 20 s (" + tries
                        + " ffmpeg runs); ffmpeg said: " + Files.readString(log));
            }
        }
        return feeder;
    }

    /** ffmpeg as an Icecast source: a 550 Hz sine at 44.1 kHz, 128 kbps, in real time, until killed. */
    static Process feed(String ffmpeg, Icecast icecast, String mount, Path log) throws IOException {
        return new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                "-i", "sine=frequency=" + (int) HZ + ":sample_rate=44100", "-c:a", "libmp3lame", "-b:a", "128k",
                "-content_type", "audio/mpeg", "-f", "mp3", icecast.sourceUrl(mount))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static void setTitleOnIcecast(Icecast icecast, String mount, String title) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(icecast.url(
                "/admin/metadata?mode=updinfo&mount=" + mount + "&song=" + title.replace(" ", "%20"))))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("admin:" + Icecast.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
