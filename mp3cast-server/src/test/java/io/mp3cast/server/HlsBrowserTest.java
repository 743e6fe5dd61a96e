package io.mp3cast.server;

import static org.assertj.core.api.Assertions.fail;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.source.AudioSources;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;

/**
 * hls.js (pinned in {@code browser-tests/package.json}) plays a live mount's playlist in headless
 * Chromium and Firefox ESR, from a page on another origin (so through CORS), the playlist being the
 * one mp3cast's page at {@code /} links on the mount's card: for 10 s after it
 * starts, with no hls.js error event (fatal or not) and no media error, and {@code currentTime}
 * advancing with the wall clock. Chromium feeds hls.js's MP3 to MSE as {@code audio/mpeg}; Firefox,
 * whose MSE takes no {@code audio/mpeg}, gets it wrapped in MP4 by hls.js. The harness is
 * {@code browser-tests/hls.mjs}; its report lands in {@code target/browser/hls-BROWSER.json}.
 *
 * <p>Low-latency HLS: a mount with parts of 500 ms plays the same way, and in Firefox hls.js (in
 * its default {@code lowLatencyMode}) plays it from parts, within 3.5 s of the live edge where whole
 * 2 s segments would hold it 6 s back. hls.js 1.7.4 places the parts of raw MPEG audio wrongly
 * where it appends them to MSE as {@code audio/mpeg} (Chromium: every part after a segment's first
 * is appended at the stream's start), so the test sets {@code lowLatencyMode} as README's
 * "Low-latency HLS" tells hls.js users to: on only where MSE takes no raw {@code audio/mpeg} (on in
 * Firefox, off in Chromium, where hls.js then plays the same playlist from its segments).
 * Skipped without node, the harness's packages or the browser; fails without them when {@code CI} is set.
 */
class HlsBrowserTest {
    private static final long HARNESS_LIMIT_SECONDS = 60;
    private static final Path OUT = Path.of("target", "browser").toAbsolutePath();

    @AutoClose
    private static Mp3CastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/stream.mp3"), AudioSources.chirp(PcmFormat.floatMono(24000), 200, 2000, 5),
                        EncoderSettings.cbr(64), "chirp")
                .mount(MountConfig.of("/ll.mp3").withHls(HlsSettings.DEFAULT.withPartMillis(500)),
                        AudioSources.chirp(PcmFormat.floatMono(24000), 200, 2000, 5), EncoderSettings.cbr(64), "chirp")
                .start();
        // Three segments to start from: hls.js starts three target durations behind the live edge.
        ServerFixture.awaitAudio(server.mount("/stream.mp3").stream(), 6_500_000);
    }


    @InEachBrowser
    void hlsJsPlaysTheLivePlaylistFor10SecondsWithNoErrorAtRealTime(String browser) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        Object report = run(browser, "/stream.mp3", "true");

        SoftAssertions soft = playedAtRealTimeWithNoError(report);
        soft.assertThat(MiniJson.at(report, "pageLink")).as("the page's HLS link for the mount").isEqualTo(base + "/stream.m3u8");
        soft.assertThat(MiniJson.at(report, "partsLoaded")).as("parts loaded (the mount has none)").isEqualTo(0.0);
        soft.assertAll();
    }

    @InEachBrowser
    void hlsJsPlaysALowLatencyPlaylistFromItsPartsNearTheLiveEdge(String browser) throws Exception {
        Object report = run(browser, "/ll.mp3", "auto");
        boolean lowLatencyMode = !browser.equals("chromium");

        SoftAssertions soft = playedAtRealTimeWithNoError(report);
        soft.assertThat(MiniJson.at(report, "lowLatencyMode")).as("README's lowLatencyMode in " + browser)
                .isEqualTo(lowLatencyMode);
        soft.assertThat(MiniJson.at(report, "pageLink")).as("the page's HLS link for the mount")
                .isEqualTo("http://127.0.0.1:" + server.port() + "/ll.m3u8");
        if (lowLatencyMode) {
            soft.assertThat((Double) MiniJson.at(report, "partsLoaded")).as("parts loaded").isGreaterThan(10.0);
            soft.assertThat((Double) MiniJson.at(report, "latencyMedian")).as("s behind the live edge, median (latencies %s)",
                    MiniJson.at(report, "latencies")).isBetween(0.5, 3.5);
        } else {
            soft.assertThat(MiniJson.at(report, "partsLoaded")).as("parts loaded without lowLatencyMode").isEqualTo(0.0);
        }
        soft.assertAll();
    }

    /** The checks every run shares: hls.js supported, no error of any kind, playing soon and at real time. */
    private static SoftAssertions playedAtRealTimeWithNoError(Object report) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
        soft.assertThat(MiniJson.at(report, "supported")).as("Hls.isSupported()").isEqualTo(true);
        soft.assertThat(MiniJson.at(report, "hlsVersion")).as("hls.js version").isEqualTo("1.7.4");
        soft.assertThat(MiniJson.at(report, "errors")).as("hls.js error events").isEqualTo(List.of());
        soft.assertThat(MiniJson.at(report, "mediaErrors")).as("<audio> error events").isEqualTo(List.of());
        soft.assertThat(MiniJson.at(report, "consoleErrors")).as("console errors").isEqualTo(List.of());
        soft.assertThat((Double) MiniJson.at(report, "startMs")).as("ms until playing").isLessThan(10_000.0);
        Double wall = (Double) MiniJson.at(report, "wallSeconds");
        Double advanced = (Double) MiniJson.at(report, "advancedSeconds");
        soft.assertThat(wall).as("wall seconds sampled").isGreaterThanOrEqualTo(9.5);
        if (wall != null && advanced != null && wall > 0) {
            // Firefox's mock audio device runs ~2.5 % slow, more on a busy machine (DESIGN.md).
            soft.assertThat(advanced / wall).as("currentTime per wall second (samples %s)",
                    MiniJson.at(report, "samples")).isBetween(0.85, 1.1);
        }
        return soft;
    }

    /** Runs {@code hls.mjs} on the playlist that mp3cast's page links for {@code mount}. */
    private static Object run(String browser, String mount, String lowLatencyMode) throws Exception {
        Path harness = BrowserHarness.require("hls.mjs");
        String executable = BrowserHarness.requireBrowser(browser);
        if (!Files.isDirectory(harness.resolve("node_modules/hls.js"))) {
            BrowserHarness.missing("browser-tests/node_modules/hls.js is missing: run `npm ci` in " + harness);
        }
        String page = "http://127.0.0.1:" + server.port() + "/";
        Files.createDirectories(OUT);
        String name = "hls-" + browser + mount.replace("/", "-").replace(".mp3", "");
        Path report = OUT.resolve(name + ".json");
        File log = OUT.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder("node", harness.resolve("hls.mjs").toString(), "--browser", browser,
                "--executable", executable, "--page", page, "--mount", mount, "--seconds", "10",
                "--low-latency", lowLatencyMode,
                "--timeout-ms", String.valueOf((HARNESS_LIMIT_SECONDS - 10) * 1000))
                .directory(harness.toFile()).redirectOutput(report.toFile()).redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(HARNESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {  // it stops itself well before
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(browser + ": hls.mjs still running after " + HARNESS_LIMIT_SECONDS + " s; see " + log);
        }
        String json = Files.readString(report).trim();
        if (json.isEmpty()) {
            fail(browser + ": hls.mjs printed nothing (exit " + p.exitValue() + "); see " + log + ":\n"
                    + BrowserHarness.tail(log.toPath()));
        }
        return MiniJson.parse(json.substring(json.lastIndexOf("\n{") + 1));
    }
}
