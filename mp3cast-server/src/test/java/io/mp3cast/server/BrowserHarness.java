package io.mp3cast.server;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of {@code browser-tests/}'s Node scripts (puppeteer-core driving Debian's browsers) and
 * reads the JSON it prints last. What is missing (node, {@code npm ci}, the browser) skips the test
 * with a message, or fails it when {@code CI=true}.
 */
final class BrowserHarness {
    private static final Map<String, List<String>> EXECUTABLES = Map.of(
            "chromium", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"),
            "firefox", List.of("/usr/bin/firefox-esr", "/usr/bin/firefox"));
    static final long LIMIT_SECONDS = 75;

    private BrowserHarness() {}

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
        return missing(browser + " is not installed (apt-get install " + (browser.equals("firefox") ? "firefox-esr" : "chromium") + ")");
    }

    /** Runs {@code node script args...} in {@code harness}, its stdout to {@code report}, and parses the last JSON line. */
    static Object run(Path harness, String script, File report, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", harness.resolve(script).toString()));
        command.addAll(args);
        File log = new File(report.getPath() + ".log");
        Process p = new ProcessBuilder(command).directory(harness.toFile()).redirectOutput(report).redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(script + ": still running after " + LIMIT_SECONDS + " s; see " + log);
        }
        String json = Files.readString(report.toPath()).trim();
        if (json.isEmpty()) {
            fail(script + ": printed nothing (exit " + p.exitValue() + "): " + Files.readString(log.toPath()));
        }
        return MiniJson.parse(json.substring(json.lastIndexOf("\n{") + 1));
    }

    /** In CI a missing prerequisite is a failure; elsewhere the test is skipped, saying what is missing. */
    static <T> T missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + what);
        }
        Assumptions.abort("skipped: " + what);
        return null;
    }
}
