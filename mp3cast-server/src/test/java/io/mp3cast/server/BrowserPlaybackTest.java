package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.LiveStreamSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;

/**
 * The page in real, headless browsers from Debian ({@code chromium}, {@code firefox-esr}), driven by
 * the Node harness in {@code browser-tests/} (puppeteer-core: CDP for Chromium, WebDriver BiDi for
 * Firefox; no browser is ever downloaded). Against {@code mp3cast serve} on 127.0.0.1 with its demo mount,
 * each browser must: load the page with no console errors, list the mount and have its low-latency
 * player switched on; with the switch off (plain {@code <audio>}), play the mount with
 * {@code currentTime} advancing 2 s within 5 s and no {@code error} event, and play
 * {@code /tone.mp3?seconds=3} to {@code ended} with a duration within 0.2 s of 3 s; with the switch
 * on ({@code /web/player.js}), play the mount and show how far behind live it plays; leave
 * screenshots of the page while the player plays in {@code target/browser/}. How fast the player
 * is, is {@link PlayerLatencyTest}'s business.
 *
 * <p>Needs {@code node}, {@code npm ci} in {@code browser-tests/}, and the browsers ({@code .ci/run}
 * installs all three). Without them it fails when {@code CI=true} and is skipped otherwise, saying
 * what is missing.
 */
class BrowserPlaybackTest {
    private static final long HARNESS_LIMIT_SECONDS = 75;
    private static final Path OUT = BrowserHarness.OUT;
    /** The demo mount is 64 kbps: its burst floor of {@link LiveStreamSettings#BROWSER_START_BYTES} is 5 s of audio. */
    private static final long BURST_FLOOR_MICROS = LiveStreamSettings.BROWSER_START_BYTES * 8L * 1000 / 64;

    @AutoClose
    private static Mp3CastServer server;

    @BeforeAll
    static void startDemoServer() throws Exception {
        // Both browsers' <audio> fill their media cache in 32 KiB blocks and start playing only once
        // the first block is in; the server's burst floor (40 KiB) lets them start at once, if the
        // demo mount has published that much.
        server = BrowserHarness.demoServer(BURST_FLOOR_MICROS / 1000);
    }


    @InEachBrowser
    void aHeadlessBrowserLoadsThePagePlaysTheLiveMountAndAToneToItsEndAndLeavesScreenshots(String browser)
            throws Exception {
        Object report = BrowserHarness.forBrowser(browser).start("run.mjs", browser, List.of(
                "--url", "http://127.0.0.1:" + server.port() + "/", "--mount", "/stream.mp3",
                "--out", OUT.toString(), "--timeout-ms", String.valueOf((HARNESS_LIMIT_SECONDS - 10) * 1000)))
                .report(HARNESS_LIMIT_SECONDS);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
        soft.assertThat(MiniJson.at(report, "checks.pageLoads.status")).as("1. page status").isEqualTo(200.0);
        soft.assertThat(list(report, "checks.pageLoads.consoleErrors")).as("1. console errors").isEmpty();
        soft.assertThat(mountPaths(report)).as("1. mounts listed").contains("/stream.mp3");
        soft.assertThat(MiniJson.at(report, "checks.pageLoads.playerSwitchOn")).as("1. the player is on by default").isEqualTo(true);

        soft.assertThat(MiniJson.at(report, "checks.livePlayback.reached2sAfterMs"))
                .as("2. ms until currentTime reached 2 s (samples: %s)", MiniJson.at(report, "checks.livePlayback.samples"))
                .isInstanceOf(Double.class);
        if (MiniJson.at(report, "checks.livePlayback.reached2sAfterMs") instanceof Double ms) {
            soft.assertThat(ms).as("2. ms until currentTime reached 2 s").isLessThanOrEqualTo(5000.0);
        }
        soft.assertThat((Double) MiniJson.at(report, "checks.livePlayback.advancedSeconds"))
                .as("2. currentTime after the 5 s window: no faster than real time").isLessThanOrEqualTo(6.0);
        soft.assertThat(list(report, "checks.livePlayback.errorEvents")).as("2. error events on the live player").isEmpty();
        soft.assertThat(MiniJson.at(report, "checks.livePlayback.state.error")).as("2. audio.error").isNull();
        soft.assertThat((Double) MiniJson.at(report, "checks.livePlayback.meterPeakLevel"))
                .as("2. peak level the meter drew from the sound").isGreaterThan(0.05);

        soft.assertThat(MiniJson.at(report, "checks.tonePlayback.ended")).as("3. tone ended").isEqualTo(true);
        soft.assertThat(MiniJson.at(report, "checks.tonePlayback.duration")).as("3. tone duration")
                .isInstanceOfSatisfying(Double.class, d -> assertThat(d).isBetween(2.8, 3.2));
        soft.assertThat(list(report, "checks.tonePlayback.errorEvents")).as("3. error events on the tone player").isEmpty();

        soft.assertThat(MiniJson.at(report, "checks.playerPlayback.shownAfterMs"))
                .as("4. ms until the player's card showed how far behind live it plays (samples: %s)",
                        MiniJson.at(report, "checks.playerPlayback.samples"))
                .isInstanceOfSatisfying(Double.class, ms -> assertThat(ms).isLessThanOrEqualTo(5000.0));
        soft.assertThat((Double) MiniJson.at(report, "checks.playerPlayback.meterPeakLevel"))
                .as("4. peak level the meter drew from the player's sound").isGreaterThan(0.05);

        for (String shot : List.of(browser + "-playing.png", browser + "-phone.png")) {
            Path file = OUT.resolve(shot);
            soft.assertThat(file).as("5. screenshot").exists();
            if (Files.exists(file)) {
                byte[] png = Files.readAllBytes(file);
                soft.assertThat(png.length).as("5. %s size", shot).isGreaterThan(10_000);
                soft.assertThat(new String(png, 1, 3, StandardCharsets.ISO_8859_1)).as("5. %s is a PNG", shot).isEqualTo("PNG");
            }
        }
        soft.assertThat(MiniJson.at(report, "checks.screenshots.livePlayingDuringShots"))
                .as("5. the live mount was playing during the screenshots").isEqualTo(true);
        soft.assertThat((String) MiniJson.at(report, "checks.screenshots.latencyFigure"))
                .as("5. the latency figure in the screenshots").matches("live · \\d+:\\d\\d · \\d+ ms behind");
        soft.assertThat(list(report, "laterConsoleErrors")).as("console errors while playing").isEmpty();
        soft.assertAll();
    }

    private static List<?> list(Object report, String path) {
        Object v = MiniJson.at(report, path);
        return v instanceof List<?> l ? l : List.of("missing: " + path);
    }

    private static List<Object> mountPaths(Object report) {
        List<Object> paths = new ArrayList<>();
        for (Object m : list(report, "checks.pageLoads.mounts")) {
            paths.add(MiniJson.at(m, "mount"));
        }
        return paths;
    }
}
