package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSources;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.LiveStreamSettings;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page in real, headless browsers from Debian ({@code chromium}, {@code firefox-esr}), driven by
 * the Node harness in {@code browser-tests/} (puppeteer-core: CDP for Chromium, WebDriver BiDi for
 * Firefox; no browser is ever downloaded). Against {@code mp3cast serve} on 127.0.0.1 with its demo mount,
 * each browser must: load the page with no console errors and list the mount; play it with
 * {@code currentTime} advancing 2 s within 5 s and no {@code error} event; play
 * {@code /tone.mp3?seconds=3} to {@code ended} with a duration within 0.2 s of 3 s; leave
 * screenshots of the page while playing in {@code target/browser/}.
 *
 * <p>Needs {@code node}, {@code npm ci} in {@code browser-tests/}, and the browsers ({@code .ci/run}
 * installs all three). Without them it fails when {@code CI=true} and is skipped otherwise, saying
 * what is missing.
 */
class BrowserPlaybackTest {
    private static final Map<String, List<String>> EXECUTABLES = Map.of(
            "chromium", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"),
            "firefox", List.of("/usr/bin/firefox-esr", "/usr/bin/firefox"));
    private static final long HARNESS_LIMIT_SECONDS = 75;
    private static final Path OUT = Path.of("target", "browser").toAbsolutePath();
    /** The demo mount is 64 kbps: its burst floor of {@link LiveStreamSettings#BROWSER_START_BYTES} is 5 s of audio. */
    private static final long BURST_FLOOR_MICROS = LiveStreamSettings.BROWSER_START_BYTES * 8L * 1000 / 64;

    private static Mp3CastServer server;

    @BeforeAll
    static void startDemoServer() throws Exception {
        // What `mp3cast serve` starts with default settings: the demo chirp mount and the per-request
        // routes. Both browsers fill their media cache in 32 KiB blocks and start playing only once
        // the first block is in; the server's burst floor (40 KiB) is what lets them start at once.
        server = Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword("unused")
                .mount(MountConfig.of("/stream.mp3").withName("mp3cast demo"),
                        AudioSources.chirp(new PcmFormat(24000, 1, SampleEncoding.FLOAT32_LE), 200, 2000, 5),
                        EncoderSettings.DEFAULT, "chirp 200-2000 Hz every 5 s")
                .demoRoutes()
                .start();
        // A server that has just started has less than a burst to give; one up for a while has it all.
        LiveStream demo = server.mount("/stream.mp3").stream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (demo.publishedMicros() < BURST_FLOOR_MICROS && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chromium", "firefox"})
    void aHeadlessBrowserLoadsThePagePlaysTheLiveMountAndAToneToItsEndAndLeavesScreenshots(String browser)
            throws Exception {
        Path harness = requireHarness();
        String executable = requireBrowser(browser);
        Object report = runHarness(harness, browser, executable);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
        soft.assertThat(MiniJson.at(report, "checks.pageLoads.status")).as("1. page status").isEqualTo(200.0);
        soft.assertThat(list(report, "checks.pageLoads.consoleErrors")).as("1. console errors").isEmpty();
        soft.assertThat(mountPaths(report)).as("1. mounts listed").contains("/stream.mp3");

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

        for (String shot : List.of(browser + "-playing.png", browser + "-phone.png")) {
            Path file = OUT.resolve(shot);
            soft.assertThat(file).as("4. screenshot").exists();
            if (Files.exists(file)) {
                byte[] png = Files.readAllBytes(file);
                soft.assertThat(png.length).as("4. %s size", shot).isGreaterThan(10_000);
                soft.assertThat(new String(png, 1, 3, StandardCharsets.ISO_8859_1)).as("4. %s is a PNG", shot).isEqualTo("PNG");
            }
        }
        soft.assertThat(MiniJson.at(report, "checks.screenshots.livePlayingDuringShots"))
                .as("4. the live mount was playing during the screenshots").isEqualTo(true);
        soft.assertThat(list(report, "laterConsoleErrors")).as("console errors while playing").isEmpty();
        soft.assertAll();
    }

    private static Object runHarness(Path harness, String browser, String executable) throws Exception {
        Files.createDirectories(OUT);
        File log = OUT.resolve(browser + ".log").toFile();
        List<String> command = List.of("node", harness.resolve("run.mjs").toString(),
                "--browser", browser, "--executable", executable,
                "--url", "http://127.0.0.1:" + server.port() + "/", "--mount", "/stream.mp3",
                "--out", OUT.toString(), "--timeout-ms", String.valueOf((HARNESS_LIMIT_SECONDS - 10) * 1000));
        Path report = OUT.resolve(browser + ".json");
        Process p = new ProcessBuilder(command).directory(harness.toFile())
                .redirectOutput(report.toFile()).redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(HARNESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {  // it stops itself well before
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(browser + ": harness still running after " + HARNESS_LIMIT_SECONDS + " s; see " + log);
        }
        String json = Files.readString(report).trim();
        if (json.isEmpty()) {
            fail(browser + ": harness printed nothing (exit " + p.exitValue() + "); see " + log + ":\n"
                    + tail(log.toPath()));
        }
        return MiniJson.parse(json.substring(json.lastIndexOf("\n{") + 1));
    }

    static Path requireHarness() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("browser-tests/run.mjs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return missing("browser-tests/run.mjs not found above " + Path.of("").toAbsolutePath());
        }
        Path harness = dir.resolve("browser-tests");
        if (!Files.isDirectory(harness.resolve("node_modules/puppeteer-core"))) {
            return missing("browser-tests/node_modules is missing: run `npm ci` in " + harness);
        }
        if (!onPath("node")) {
            return missing("node is not on the PATH (apt-get install nodejs)");
        }
        return harness;
    }

    static String requireBrowser(String browser) {
        for (String candidate : EXECUTABLES.get(browser)) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return missing(browser + " is not installed (none of " + EXECUTABLES.get(browser) + "; apt-get install "
                + (browser.equals("firefox") ? "firefox-esr" : "chromium") + ")");
    }

    /** In CI a missing prerequisite is a failure; on a developer's machine the test is skipped. */
    static <T> T missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + what);
        }
        Assumptions.abort("skipped: " + what);
        return null;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
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

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
