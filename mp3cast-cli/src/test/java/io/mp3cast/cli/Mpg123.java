package io.mp3cast.cli;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's mpg123, an independent decoder, on what mp3cast wrote: if mpg123 decodes it
 * cleanly and to the right length, players will too. Output goes through files, never pipes, so a
 * chatty decoder cannot block on a full pipe.
 */
final class Mpg123 {
    /** Not a speed limit: only keeps a wedged decoder from hanging the build. */
    private static final long HANG_GUARD_MINUTES = 5;

    /** Exit status and stderr of one run, plus its stdout as bytes. */
    record Result(int exitCode, String stderr, byte[] stdout) {}

    private Mpg123() {}

    static boolean isInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mpg123"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code mpg123 -q -t}: decodes everything, writes nothing; any complaint lands on stderr. */
    static Result test(Path mp3) throws IOException, InterruptedException {
        return run(List.of("-q", "-t", mp3.toString()));
    }

    /** Decodes to interleaved 16-bit samples at the stream's own rate and channel count. */
    static short[] decode(Path mp3) throws IOException, InterruptedException {
        Result r = run(List.of("-q", "-s", "-e", "s16", mp3.toString()));
        if (r.exitCode() != 0 || !r.stderr().isEmpty()) {
            throw new IOException("mpg123 failed (" + r.exitCode() + "): " + r.stderr());
        }
        short[] samples = new short[r.stdout().length / 2];
        ByteBuffer.wrap(r.stdout()).order(ByteOrder.nativeOrder()).asShortBuffer().get(samples);
        return samples;
    }

    private static Result run(List<String> args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mpg123-", ".out");
        Path err = Files.createTempFile("mpg123-", ".err");
        try {
            List<String> command = new ArrayList<>(List.of("mpg123"));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("mpg123 still running after " + HANG_GUARD_MINUTES + " minutes: " + command);
            }
            return new Result(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8).strip(),
                    Files.readAllBytes(out));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
