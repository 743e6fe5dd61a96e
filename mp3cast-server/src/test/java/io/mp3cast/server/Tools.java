package io.mp3cast.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * External programs the ingest tests drive (ffmpeg, mpg123, Debian's python3 with numpy). Missing
 * ones skip a test on a developer's machine and fail it under CI ({@code CI} set), where
 * {@code .ci/run} installs them.
 */
final class Tools {
    /** Not a speed limit: only keeps a wedged program from hanging the build. */
    static final long HANG_GUARD_SECONDS = 120;

    record Run(int exitCode, String stdout, String stderr) {}

    private Tools() {}

    static String require(String program, String debianPackage) {
        String found = which(program);
        if (found == null && System.getenv("CI") != null) {
            throw new AssertionError(program + " not found: install " + debianPackage + " (.ci/run does)");
        }
        assumeTrue(found != null, program + " not installed (" + debianPackage + ")");
        return found;
    }

    static String which(String program) {
        if (program.startsWith("/")) {
            return Files.isExecutable(Path.of(program)) ? program : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return null;
    }

    /** Runs a command to its end; output goes through files, so a chatty program cannot block on a pipe. */
    static Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mp3cast-tool-", ".out");
        Path err = Files.createTempFile("mp3cast-tool-", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + HANG_GUARD_SECONDS + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** What mpg123 says about an MP3 when decoding all of it: empty when it decodes cleanly. */
    static String mpg123Complaints(byte[] mp3) throws IOException, InterruptedException {
        String mpg123 = require("mpg123", "mpg123");
        Path file = Files.createTempFile("mp3cast-", ".mp3");
        try {
            Files.write(file, mp3);
            Run r = run(List.of(mpg123, "-q", "-t", file.toString()));
            return r.exitCode() == 0 ? r.stderr().trim() : "exit " + r.exitCode() + ": " + r.stderr();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
