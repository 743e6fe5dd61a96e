package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mp3cast.mp3.FrameReader;
import io.mp3cast.mp3.Mp3Frame;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp3cast encode}, run in-process, its output checked by decoding it with mpg123. */
class EncodeCommandTest {
    private static final int MPEG1_FRAME_SAMPLES = 1152;
    private static final int MPEG2_FRAME_SAMPLES = 576;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsMpg123() {
        assumeTrue(Mpg123.isInstalled(), "mpg123 is not installed");
    }

    @Test
    void sixtySecondsOfStereoWavBecomeSixtySecondsOfMp3ThatMpg123DecodesCleanly() throws Exception {
        float[] tones = TestAudio.tones(44100, 60, 440, 660);
        Path in = write("tones.wav", TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE),
                TestAudio.int16le(tones)));
        Path out = dir.resolve("tones.mp3");

        CliRun run = CliRun.run("encode", in.toString(), out.toString());

        assertThat(run.stderr()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertDecodesCleanly(out);
        short[] decoded = Mpg123.decode(out);
        assertThat(decoded.length / 2 - 60 * 44100).isBetween(0, 3 * MPEG1_FRAME_SAMPLES);
        TestAudio.assertSameAudio(tones, decoded, 2, 44100, 440, 660);
        List<Mp3Frame> frames = FrameReader.readAll(Files.readAllBytes(out));
        assertThat(frames).allSatisfy(f -> assertThat(f.header().bitrateKbps()).isEqualTo(128))
                .allSatisfy(f -> assertThat(f.header().sampleRateHz()).isEqualTo(44100));
        assertThat(frames.size() * MPEG1_FRAME_SAMPLES).isEqualTo(decoded.length / 2);
    }

    @Test
    void rawFloat32OnStdinBecomesMp3OnStdout() throws Exception {
        float[] tone = TestAudio.tones(24000, 5, 1000);

        CliRun run = CliRun.withStdin(TestAudio.float32le(tone), "encode", "--format", "f32le", "--rate", "24000", "--channels", "1",
                "--bitrate", "64", "-", "-");

        assertThat(run.stderr()).isEmpty();
        assertThat(run.exitCode()).isZero();
        Path out = write("speech.mp3", run.stdout());
        assertDecodesCleanly(out);
        short[] decoded = Mpg123.decode(out);
        assertThat(decoded.length - 5 * 24000).isBetween(0, 3 * MPEG2_FRAME_SAMPLES);
        TestAudio.assertSameAudio(tone, decoded, 1, 24000, 1000);
    }

    @Test
    void float32WavEncodesOnThePureJavaEncoderToo() throws Exception {
        float[] tone = TestAudio.tones(48000, 3, 440);
        Path in = write("float.wav", TestAudio.wav(PcmFormat.floatMono(48000), TestAudio.float32le(tone)));
        Path out = dir.resolve("float.mp3");

        CliRun run = CliRun.run("encode", "--encoder", "java", "--vbr", "4", in.toString(), out.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertDecodesCleanly(out);
        short[] decoded = Mpg123.decode(out);
        assertThat(decoded.length - 3 * 48000).isBetween(0, 3 * MPEG1_FRAME_SAMPLES);
        TestAudio.assertSameAudio(tone, decoded, 1, 48000, 440);
    }

    @Test
    void stereoWavWithMonoOptionBecomesMonoMp3() throws Exception {
        float[] both = TestAudio.tones(44100, 2, 440, 440);
        Path in = write("tones.wav", TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE),
                TestAudio.int16le(both)));
        Path out = dir.resolve("mono.mp3");

        CliRun run = CliRun.run("encode", "--mono", "-q", "2", in.toString(), out.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        short[] decoded = Mpg123.decode(out);
        assertThat(decoded.length - 2 * 44100).isBetween(0, 3 * MPEG1_FRAME_SAMPLES);
        TestAudio.assertSameAudio(Signals.channel(both, 2, 0), decoded, 1, 44100, 440);
    }

    @Test
    void rawPcmFromANamedPipeIsReadToItsEnd() throws Exception {
        Path fifo = dir.resolve("pcm.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo failed");
        float[] tone = TestAudio.tones(24000, 2, 440);
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, TestAudio.float32le(tone));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.setDaemon(true); // blocks opening the pipe until a reader comes; must not outlive a failure
        writer.start();
        Path out = dir.resolve("piped.mp3");

        CliRun run = CliRun.run("encode", "--format", "f32le", "--rate", "24000", fifo.toString(), out.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        writer.join();
        assertThat(Mpg123.decode(out).length - 2 * 24000).isBetween(0, 3 * MPEG2_FRAME_SAMPLES);
    }

    @Test
    void truncatedOrLoudInputIsEncodedWithAWarningPerProblem() throws IOException {
        float[] loud = TestAudio.tones(24000, 1, 440);
        loud[100] = 1.5f;
        loud[200] = Float.NaN;
        byte[] wav = TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(loud));
        Path in = write("cut.wav", Arrays.copyOf(wav, wav.length - 1002));

        CliRun run = CliRun.run("encode", in.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.stderr()).isEqualTo(String.join("\n",
                "mp3cast encode: warning: " + in + " ended after 94998 of 96000 data bytes (truncated?); encoded what was there",
                "mp3cast encode: warning: " + in + " ended inside a sample frame; its last 2 bytes were not encoded",
                "mp3cast encode: warning: samples outside [-1, 1], clipped: 1",
                "mp3cast encode: warning: samples NaN or infinite, encoded as silence: 1", ""));
    }

    @Test
    void missingInputFileIsReportedInOneLineWithExitCode1() {
        Path missing = dir.resolve("missing.wav");

        CliRun run = CliRun.run("encode", missing.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast encode: " + missing + ": no such file or directory\n");
        assertThat(dir.resolve("out.mp3")).doesNotExist();
    }

    @Test
    void wavOf24BitSamplesIsRejectedNamingTheField() throws IOException {
        byte[] wav = TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE), new byte[12]);
        wav[32] = 6;  // blockAlign: 2 channels of 3 bytes
        wav[34] = 24; // bitsPerSample
        Path in = write("deep.wav", wav);

        CliRun run = CliRun.run("encode", in.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast encode: " + in
                + ": bitsPerSample: got 24 (int), expected 16 (int) or 32 (float)\n");
    }

    @Test
    void truncatedWavHeaderIsBadInput() throws IOException {
        byte[] wav = TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE), new byte[0]);
        Path in = write("cut.wav", Arrays.copyOf(wav, 30));

        CliRun run = CliRun.run("encode", in.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("truncated WAV header: stream ended at byte 30");
    }

    @Test
    void rawPcmWithoutFormatOptionsIsToldToGiveThem() throws IOException {
        Path in = write("speech.raw", TestAudio.float32le(TestAudio.tones(24000, 0.1, 440)));

        CliRun run = CliRun.run("encode", in.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast encode: " + in
                + ": not a WAV file (no RIFF header); for raw PCM give --format, --rate and --channels\n");
    }

    @Test
    void rawRateMp3CannotCarryIsAUsageError() {
        CliRun run = CliRun.withStdin(new byte[400], "encode", "--format", "s16le", "--rate", "22051", "-", "-");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast encode: invalid value for --rate: sampleRateHz not supported: 22051")
                .endsWith("Try 'mp3cast encode --help' for more information.\n");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void unknownRawFormatIsAUsageErrorListingTheKnownOnes() {
        CliRun run = CliRun.withStdin(new byte[400], "encode", "--format", "u8", "--rate", "8000", "-", "-");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr())
                .startsWith("mp3cast encode: invalid value for --format: sample format not supported: 'u8' (f32le, s16le or s16be)");
    }

    @Test
    void mp3FormatIsAUsageErrorForEncode() {
        CliRun run = CliRun.withStdin(new byte[400], "encode", "--format", "mp3", "-", "-");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast encode: --format mp3: encode reads PCM");
    }

    @Test
    void bitrateTheInputsMpegVersionLacksIsAUsageError() throws IOException {
        Path in = write("speech.wav", TestAudio.wav(PcmFormat.floatMono(24000),
                TestAudio.float32le(TestAudio.tones(24000, 0.1, 440))));

        CliRun run = CliRun.run("encode", "--bitrate", "320", in.toString(), dir.resolve("out.mp3").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("bitrateKbps not supported: 320");
        assertThat(dir.resolve("out.mp3")).doesNotExist();
    }

    @Test
    void bitrateAndVbrTogetherAreAUsageError() {
        CliRun run = CliRun.run("encode", "--bitrate", "128", "--vbr", "2", "in.wav", "out.mp3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast encode: --bitrate and --vbr exclude each other");
    }

    @Test
    void unknownOptionSuggestsTheNearestOne() {
        CliRun run = CliRun.run("encode", "--bitrat", "128", "in.wav", "out.mp3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--bitrate").doesNotContain("Usage:");
    }

    @Test
    void badInputLeavesAnExistingOutputFileAlone() throws IOException {
        Path in = write("bad.wav", "not audio".getBytes());
        Path out = write("keep.mp3", new byte[] {1, 2, 3});

        CliRun run = CliRun.run("encode", in.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(out).hasBinaryContent(new byte[] {1, 2, 3});
    }

    @Test
    void closedStdoutPipeStopsTheEncodeWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StdStreams io = new StdStreams(new ByteArrayInputStream(TestAudio.float32le(TestAudio.tones(24000, 5, 440))),
                new ClosedPipe(), new PrintStream(err, true, StandardCharsets.UTF_8), false);

        int exitCode = Main.run(io, "encode", "--format", "f32le", "--rate", "24000", "-", "-");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("mp3cast encode: stdout: Broken pipe\n");
    }

    @Test
    void outputInAMissingDirectoryIsReportedInOneLine() throws IOException {
        Path in = write("speech.wav", TestAudio.wav(PcmFormat.floatMono(24000),
                TestAudio.float32le(TestAudio.tones(24000, 0.1, 440))));
        Path out = dir.resolve("no/such/dir/out.mp3");

        CliRun run = CliRun.run("encode", in.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast encode: " + out + ": no such file or directory\n");
    }

    private static void assertDecodesCleanly(Path mp3) throws IOException, InterruptedException {
        Mpg123.Result test = Mpg123.test(mp3);
        assertThat(test.stderr()).as("mpg123 -t stderr").isEmpty();
        assertThat(test.exitCode()).as("mpg123 -t exit code").isZero();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Stdout after the reader went away, as {@code mp3cast encode ... - | head -c 100} leaves it. */
    private static final class ClosedPipe extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
        }
    }
}
