package io.mp3cast.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the command line, as the shell would see it: exit code, stdout bytes,
 * stderr text.
 */
record CliRun(int exitCode, byte[] stdout, String stderr) {

    static CliRun run(String... args) {
        return withStdin(new byte[0], args);
    }

    static CliRun withStdin(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StdStreams io = new StdStreams(new ByteArrayInputStream(stdin), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exitCode = Main.run(io, args);
        return new CliRun(exitCode, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
