package io.mp3cast.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.mp3cast.time.Scheduler;
import java.util.Map;

/**
 * One in-process run of the command line, as the shell would see it: exit code, stdout bytes,
 * stderr text.
 */
record CliRun(int exitCode, byte[] stdout, String stderr) {

    static CliRun run(String... args) {
        return withStdin(new byte[0], args);
    }

    static CliRun withStdin(byte[] stdin, String... args) {
        return with(new ByteArrayInputStream(stdin), Map.of(), args);
    }

    /** With {@code env} as the whole environment, so the real one cannot leak in. */
    static CliRun withEnv(Map<String, String> env, String... args) {
        return with(new ByteArrayInputStream(new byte[0]), env, args);
    }

    static CliRun with(InputStream stdin, Map<String, String> env, String... args) {
        return with(stdin, env, null, args);
    }

    /** Pacing ({@code push --realtime}) by {@code clock}, which the test moves. */
    static CliRun withClock(Scheduler clock, String... args) {
        return with(new ByteArrayInputStream(new byte[0]), Map.of(), clock, args);
    }

    private static CliRun with(InputStream stdin, Map<String, String> env, Scheduler clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StdStreams io = new StdStreams(stdin, out, new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exitCode = clock == null ? Main.run(io, env, args) : Main.run(io, env, () -> clock, args);
        return new CliRun(exitCode, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
