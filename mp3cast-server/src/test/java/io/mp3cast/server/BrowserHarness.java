package io.mp3cast.server;

import static org.assertj.core.api.Assertions.fail;

import io.mp3cast.live.LiveStream;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSources;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of {@code browser-tests/}'s Node scripts (puppeteer-core driving Debian's headless
 * {@code chromium} or {@code firefox-esr}) and reads the JSON it prints last. What is missing
 * (node, {@code npm ci}, the browser; {@code .ci/run} installs them) skips the test with a
 * message, or fails it when {@code CI=true}.
 */
final class BrowserHarness {
    static final Path OUT = Path.of("target", "browser").toAbsolutePath();
    private static final Map<String, List<String>> EXECUTABLES = Map.of(
            "chromium", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"),
            "firefox", List.of("/usr/bin/firefox-esr", "/usr/bin/firefox"));
    static final long LIMIT_SECONDS = 75;

    private final Path dir;
    private final String browser;
    private final String executable;

    private BrowserHarness(Path dir, String browser, String executable) {
        this.dir = dir;
        this.browser = browser;
        this.executable = executable;
    }

    /**
     * What {@code mp3cast serve} starts with default settings on 127.0.0.1, port 0: the demo chirp
     * mount {@code /stream.mp3} (24 kHz mono 64 kbps) and the per-request routes; push mounts are
     * made by the first producer. Returns once the demo mount has published {@code warmMillis}
     * of audio (at most 15 s), so a joining listener gets a burst that long.
     */
    static Mp3CastServer demoServer(long warmMillis) throws IOException, InterruptedException {
        Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword("unused")
                .mount(MountConfig.of("/stream.mp3").withName("mp3cast demo"),
                        AudioSources.chirp(new PcmFormat(24000, 1, SampleEncoding.FLOAT32_LE), 200, 2000, 5),
                        EncoderSettings.DEFAULT, "chirp 200-2000 Hz every 5 s")
                .demoRoutes()
                .start();
        LiveStream demo = server.mount("/stream.mp3").stream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (demo.publishedMicros() < warmMillis * 1000 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return server;
    }

    /** The harness for {@code browser}, or a skip (a failure in CI) saying what is missing. */
    static BrowserHarness forBrowser(String browser) {
        return new BrowserHarness(require("run.mjs"), browser, requireBrowser(browser));
    }

    /** Starts {@code script} with {@code args} (after --browser and --executable); its output goes to {@code OUT/name.json}. */
    Run start(String script, String name, List<String> args) throws IOException {
        Files.createDirectories(OUT);
        List<String> command = new ArrayList<>(List.of("node", dir.resolve(script).toString(),
                "--browser", browser, "--executable", executable));
        command.addAll(args);
        Path report = OUT.resolve(name + ".json");
        File log = OUT.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(report.toFile()).redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Run(name, p, report, log.toPath());
    }

    /** A running harness: {@link #report} waits for it and parses what it printed. */
    record Run(String name, Process process, Path report, Path log) {
        Object report(long limitSeconds) throws Exception {
            if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {  // it stops itself well before
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail(name + ": harness still running after " + limitSeconds + " s; see " + log);
            }
            String json = Files.readString(report).trim();
            if (json.isEmpty()) {
                fail(name + ": harness printed nothing (exit " + process.exitValue() + "); see " + log + ":\n" + tail(log));
            }
            return MiniJson.parse(json.substring(json.lastIndexOf("\n{") + 1));
        }
    }

    /** The {@code browser-tests} directory holding {@code script}, with its packages installed. */
    static Path require(String script) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("browser-tests").resolve(script))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return missing("browser-tests/" + script + " not found above " + Path.of("").toAbsolutePath());
        }
        Path harness = dir.resolve("browser-tests");
        if (!Files.isDirectory(harness.resolve("node_modules/puppeteer-core"))) {
            return missing("browser-tests/node_modules is missing: run `npm ci` in " + harness);
        }
        if (Tools.which("node") == null) {
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

    /** Runs {@code node script args...} in {@code harness}, its stdout to {@code report}, and parses the last JSON line. */
    static Object run(Path harness, String script, File report, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", harness.resolve(script).toString()));
        command.addAll(args);
        File log = new File(report.getPath() + ".log");
        Process p = new ProcessBuilder(command).directory(harness.toFile()).redirectOutput(report).redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Run(script, p, report.toPath(), log.toPath()).report(LIMIT_SECONDS);
    }

    /** In CI a missing prerequisite is a failure; elsewhere the test is skipped, saying what is missing. */
    static <T> T missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + what);
        }
        Assumptions.abort("skipped: " + what);
        return null;
    }

    /** The last 30 lines of a harness's log. */
    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
