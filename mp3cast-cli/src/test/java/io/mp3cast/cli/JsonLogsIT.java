package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.server.MiniJson;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented recipe for JSON logs: the packaged command line with logback beside it,
 * {@code -Dslf4j.provider} choosing logback over the bundled slf4j-simple, and
 * {@code examples/logging/logback-json.xml}. Every line on stderr is one JSON object with level,
 * logger and message; the mount's lines start with its path.
 */
class JsonLogsIT {
    @TempDir
    Path dir;

    @Test
    void serveLogsOneJsonObjectPerLineWithTheDocumentedLogbackConfig() throws Exception {
        Path root = ServeProcess.launcher().getParent();
        Path target = root.resolve("mp3cast-cli/target");
        String classpath = String.join(File.pathSeparator, target.resolve("mp3cast-cli.jar").toString(),
                target.resolve("lib").toString() + File.separator + "*", jarOf(ch.qos.logback.classic.Logger.class),
                jarOf(ch.qos.logback.core.Appender.class));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
                "-Dslf4j.internal.verbosity=WARN",
                "-Dlogback.configurationFile=" + root.resolve("examples/logging/logback-json.xml"),
                "io.mp3cast.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--drain-ms", "1000"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("out.txt")).contains("mp3cast serving on") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertThat(lines).as("stderr").isNotEmpty();
        List<Object> objects = new ArrayList<>();
        for (String line : lines) {
            try {
                objects.add(MiniJson.parse(line));
            } catch (IllegalArgumentException e) {
                throw new AssertionError("not one JSON object: " + line + "\nstderr:\n" + String.join("\n", lines), e);
            }
        }
        assertThat(objects).allSatisfy(o -> {
            assertThat(MiniJson.at(o, "level")).isIn("INFO", "WARN", "ERROR", "DEBUG");
            assertThat(MiniJson.at(o, "loggerName")).asString().startsWith("io.mp3cast.");
            assertThat(MiniJson.at(o, "timestamp")).isInstanceOf(Double.class);
        });
        assertThat(objects).extracting(o -> (String) MiniJson.at(o, "formattedMessage"))
                .anyMatch(m -> m.startsWith("/stream.mp3: live from"))
                .anyMatch(m -> m.contains("drained cleanly"));
        assertThat(p.exitValue()).isZero();
    }

    private static String jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
