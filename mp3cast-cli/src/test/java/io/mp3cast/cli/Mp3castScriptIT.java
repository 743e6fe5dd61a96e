package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./mp3cast} launcher, run as a user would, from another directory. Runs in
 * {@code mvn verify} after packaging, so the launcher finds a fresh jar and starts it directly.
 */
class Mp3castScriptIT {
    private static final long HANG_GUARD_MINUTES = 10;

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {}

    @Test
    void launcherReachedThroughASymlinkListsTheCommands() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("mp3cast"), script());

        Run run = run(link.toString(), "--help");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).startsWith("Usage: mp3cast").contains("encode");
    }

    @Test
    void launcherEncodesAWavThatMpg123DecodesCleanly() throws Exception {
        assumeTrue(Mpg123.isInstalled(), "mpg123 is not installed");
        Files.write(dir.resolve("in.wav"), TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE),
                TestAudio.int16le(TestAudio.tones(44100, 10, 440, 660))));

        Run run = run(script().toString(), "encode", "in.wav", "out.mp3");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEmpty();
        Mpg123.Result test = Mpg123.test(dir.resolve("out.mp3"));
        assertThat(test.stderr()).isEmpty();
        assertThat(test.exitCode()).isZero();
        assertThat(Mpg123.decode(dir.resolve("out.mp3")).length / 2 - 10 * 44100).isBetween(0, 3 * 1152);
    }

    private static Path script() throws IOException {
        return Path.of(System.getProperty("mp3cast.root", "..")).toRealPath().resolve("mp3cast");
    }

    private Run run(String... command) throws IOException, InterruptedException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("still running after " + HANG_GUARD_MINUTES + " minutes: " + List.of(command));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
