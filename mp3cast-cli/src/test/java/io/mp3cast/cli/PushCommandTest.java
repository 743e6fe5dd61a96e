package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.testing.Encoding;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp3cast push}, run in-process against a fake ingest endpoint on 127.0.0.1 that records what arrives. */
class PushCommandTest {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private FakeIngest server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void rawFloat32FileArrivesAsAChunkedPutWithItsFormatInTheQueryByteForByte() throws IOException {
        server = FakeIngest.accepting();
        byte[] pcm = TestAudio.float32le(TestAudio.tones(24000, 1, 440));
        Path in = write("speech.f32", pcm);

        CliRun run = CliRun.run("push", "--format", "f32le", "--rate", "24000", "--channels", "1",
                server.url("/live"), in.toString());

        assertThat(run.stderr()).isEmpty();
        assertThat(run.exitCode()).isZero();
        FakeIngest.Request r = server.request();
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.path()).isEqualTo("/live");
        assertThat(r.rawQuery()).isEqualTo("format=f32le&rate=24000&channels=1");
        assertThat(r.headers().getFirst("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(r.headers().containsKey("Content-Length")).isFalse();
        assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.headers().getFirst("User-Agent")).startsWith("mp3cast/");
        assertThat(r.headers().containsKey("Authorization")).as("no password, no credentials").isFalse();
        assertThat(r.body()).isEqualTo(pcm);
    }

    @Test
    void wavFileArrivesAsRawPcmInTheFormatOfItsHeaderWithoutTheChunksAfterTheSamples() throws IOException {
        server = FakeIngest.accepting();
        byte[] pcm = TestAudio.int16le(TestAudio.tones(44100, 1, 440, 660));
        byte[] wav = TestAudio.wav(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE), pcm);
        byte[] list = {'L', 'I', 'S', 'T', 4, 0, 0, 0, 'I', 'N', 'F', 'O'};
        Path in = write("tones.wav", ByteBuffer.allocate(wav.length + list.length).put(wav).put(list).array());

        CliRun run = CliRun.run("push", server.url("/live"), in.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        FakeIngest.Request r = server.request();
        assertThat(r.rawQuery()).isEqualTo("format=s16le&rate=44100&channels=2");
        assertThat(r.body()).isEqualTo(pcm);
    }

    @Test
    void floatWavIsSentAsF32le() throws IOException {
        server = FakeIngest.accepting();
        byte[] pcm = TestAudio.float32le(TestAudio.tones(48000, 0.5, 440));
        Path in = write("float.wav", TestAudio.wav(PcmFormat.floatMono(48000), pcm));

        CliRun run = CliRun.run("push", server.url("/live"), in.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().rawQuery()).isEqualTo("format=f32le&rate=48000&channels=1");
        assertThat(server.request().body()).isEqualTo(pcm);
    }

    @Test
    void rawPcmOnStdinIsSentToItsEndWhenNoFileIsNamed() throws IOException {
        server = FakeIngest.accepting();
        byte[] pcm = new byte[100_003];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (byte) (i * 31);
        }

        CliRun run = CliRun.withStdin(pcm, "push", "--format", "s16be", "--rate", "16000", server.url("/live"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().rawQuery()).isEqualTo("format=s16be&rate=16000&channels=1");
        assertThat(server.request().body()).isEqualTo(pcm);
    }

    @Test
    void stdinIsRelayedAsItComesNotWhenItEnds() throws IOException {
        server = FakeIngest.accepting();
        AfterFirstBlock stdin = new AfterFirstBlock(16_000, server);

        CliRun run = CliRun.with(stdin, Map.of(), "push", "--format", "s16le", "--rate", "8000", server.url("/live"), "-");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(stdin.serverHadTheFirstBlockBeforeTheEnd).isTrue();
        assertThat(server.request().body()).hasSize(16_000);
    }

    @Test
    void encoderOptionsGoInTheQueryWithRawPcmSoTheMountMp3castCreatesEncodesWithThem() throws IOException {
        server = FakeIngest.accepting();

        CliRun run = CliRun.run("push", "--bitrate", "48", "--quality", "2", "--format", "f32le", "--rate", "24000",
                server.url("/live"), write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().rawQuery()).isEqualTo("format=f32le&rate=24000&channels=1&bitrate=48&quality=2");
    }

    @Test
    void encodeSendsMp3EncodedHereToMp3castToo() throws IOException {
        server = FakeIngest.accepting();
        Path in = write("tone.wav", TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(TestAudio.tones(24000, 1, 440))));

        CliRun run = CliRun.run("push", "--encode", "--bitrate", "32", server.url("/live"), in.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        FakeIngest.Request r = server.request();
        assertThat(r.headers().getFirst("Content-Type")).isEqualTo("audio/mpeg");
        assertThat(r.headers().getFirst("ice-audio-info")).isEqualTo("samplerate=24000;channels=1;bitrate=32");
        assertThat(r.rawQuery()).isNull();
        assertThat(io.mp3cast.testing.Mp3Decoding.decode(r.body()).seconds()).isBetween(1.0, 1.2);
    }

    @Test
    void mp3FileIsSentAsAudioMpegFramesWithoutItsId3Tag() throws IOException {
        server = FakeIngest.accepting();
        byte[] mp3 = Encoding.encode(PcmFormat.floatMono(24000), EncoderSettings.DEFAULT.withBackend(EncoderBackend.JAVA),
                TestAudio.tones(24000, 1, 440));
        byte[] id3 = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 20, 'T', 'I', 'T', '2', 0, 0, 0, 10, 0, 0, 0, 't', 'o', 'n', 'e',
            0, 0, 0, 0, 0};
        Path in = write("tone.mp3", ByteBuffer.allocate(id3.length + mp3.length).put(id3).put(mp3).array());

        CliRun run = CliRun.run("push", server.url("/radio"), in.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        FakeIngest.Request r = server.request();
        assertThat(r.headers().getFirst("Content-Type")).isEqualTo("audio/mpeg");
        assertThat(r.rawQuery()).isNull();
        assertThat(r.body()).isEqualTo(mp3);
    }

    @Test
    void fileThatIsNoMp3WithFormatMp3IsBadInputAndNothingIsSent() throws IOException {
        server = FakeIngest.accepting();
        Path in = write("noise.raw", new byte[100_000]);

        CliRun run = CliRun.run("push", "--format", "mp3", server.url("/radio"), in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("mp3cast push: " + in + ": not MP3 (no frame in its first 64 KiB)");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void passwordGoesAsBasicAuthForUserSource() throws IOException {
        server = FakeIngest.accepting();

        CliRun run = CliRun.run("push", "--password", "hackme", "--format", "f32le", "--rate", "24000",
                server.url("/live"), write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().headers().getFirst("Authorization")).isEqualTo(basic("source:hackme"));
    }

    @Test
    void passwordFromTheEnvironmentIsUsedWhenNoOptionGivesOne() throws IOException {
        server = FakeIngest.accepting();

        CliRun run = CliRun.withEnv(Map.of("MP3CAST_SOURCE_PASSWORD", "from-env"), "push", "--user", "dj",
                "--format", "f32le", "--rate", "24000", server.url("/live"), write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().headers().getFirst("Authorization")).isEqualTo(basic("dj:from-env"));
    }

    @Test
    void credentialsInTheUrlGoInTheAuthorizationHeaderOnly() throws IOException {
        server = FakeIngest.accepting();
        String url = server.url("/live").replace("http://", "http://source:s%40cret@");

        CliRun run = CliRun.withEnv(Map.of("MP3CAST_SOURCE_PASSWORD", "not-this"), "push", "--format", "f32le",
                "--rate", "24000", url, write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(server.request().headers().getFirst("Authorization")).isEqualTo(basic("source:s@cret"));
        assertThat(server.request().path()).isEqualTo("/live");
    }

    @Test
    void streamNameDescriptionAndGenreGoInIceHeaders() throws IOException {
        server = FakeIngest.accepting();

        CliRun run = CliRun.run("push", "--name", "Test Radio", "--description", "tones all day", "--genre", "sine",
                "--format", "f32le", "--rate", "24000", server.url("/live"), write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        FakeIngest.Request r = server.request();
        assertThat(r.headers().getFirst("ice-name")).isEqualTo("Test Radio");
        assertThat(r.headers().getFirst("ice-description")).isEqualTo("tones all day");
        assertThat(r.headers().getFirst("ice-genre")).isEqualTo("sine");
    }

    @Test
    void lineBreakInAStreamNameIsAUsageError() {
        CliRun run = CliRun.run("push", "--name", "two\nlines", "http://127.0.0.1:1/live", "a.wav");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast push: invalid value for --name: line breaks");
    }

    @Test
    void wrongPasswordIsOneLineWithTheStatusAndExitCode3() throws IOException {
        server = FakeIngest.answering(401, "");

        CliRun run = pushSilence("--password", "wrong");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + server.url("/live")
                + ": 401 Unauthorized (check the password of user 'source')\n");
    }

    @Test
    void missingPasswordIsOneLineThatSaysHowToGiveOne() throws IOException {
        server = FakeIngest.answering(401, "");

        CliRun run = pushSilence();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + server.url("/live")
                + ": 401 Unauthorized (no password given: use --password or $MP3CAST_SOURCE_PASSWORD)\n");
    }

    @Test
    void mountThatHasASourceIsOneLineWithTheFirstLineOfTheServersMessage() throws IOException {
        server = FakeIngest.answering(403, "mount /live already has a source\nsince 12:00 from 10.0.0.2\n");

        CliRun run = pushSilence();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + server.url("/live")
                + ": 403 Forbidden: mount /live already has a source\n");
    }

    @Test
    void badParameterIsOneLineNamingItAsTheServerDid() throws IOException {
        server = FakeIngest.answering(400, "rate: 22051 not supported (8000, 11025, ...)");

        CliRun run = pushSilence();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + server.url("/live")
                + ": 400 Bad Request: rate: 22051 not supported (8000, 11025, ...)\n");
    }

    @Test
    void connectionRefusedNamesHostAndPortWithExitCode4() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        CliRun run = CliRun.run("push", "--format", "f32le", "--rate", "24000", "http://127.0.0.1:" + port + "/live",
                write("a.f32", new byte[400]).toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.stderr()).isEqualTo("mp3cast push: cannot connect to 127.0.0.1:" + port + ": connection refused\n");
    }

    @Test
    void missingFileIsBadInputReportedBeforeConnecting() throws IOException {
        server = FakeIngest.accepting();
        Path missing = dir.resolve("missing.wav");

        CliRun run = CliRun.run("push", server.url("/live"), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + missing + ": no such file or directory\n");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void rawPcmWithoutFormatIsToldToGiveItBeforeConnecting() throws IOException {
        server = FakeIngest.accepting();
        Path in = write("speech.raw", new byte[4000]);

        CliRun run = CliRun.run("push", server.url("/live"), in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("mp3cast push: " + in
                + ": not a WAV file (no RIFF header); for raw PCM give --format, --rate and --channels\n");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void urlThatNamesNoMountIsAUsageError() {
        CliRun run = CliRun.run("push", "http://localhost:8000/", "a.wav");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("'http://localhost:8000/': names no mount; add its path, as in http://host:8000/live")
                .endsWith("Try 'mp3cast push --help' for more information.\n");
    }

    @Test
    void urlThatIsNotHttpIsAUsageError() {
        CliRun run = CliRun.run("push", "localhost:8000/live", "a.wav");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("'localhost:8000/live': not an http://, https:// or icecast:// URL");
    }

    @Test
    void rateForAnMp3IsAUsageError() {
        CliRun run = CliRun.run("push", "--format", "mp3", "--rate", "44100", "http://localhost:8000/live", "a.mp3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast push: --rate and --channels describe raw PCM: MP3 frames carry their own");
    }

    @Test
    void realtimeSendsEachTenthOfASecondWhenTheClockSaysItsAudioIsDue() throws Exception {
        server = FakeIngest.accepting();
        byte[] pcm = TestAudio.float32le(TestAudio.tones(24000, 2, 440));
        int block = 2400 * 4;  // paced blocks hold 100 ms
        Scheduler clock = Scheduler.manual();
        String file = write("two-seconds.f32", pcm).toString();
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.withClock(clock,
                "push", "--realtime", "--format", "f32le", "--rate", "24000", server.url("/live"), file));

        for (int due = 1; due <= 20; due++) {
            long blocks = due;
            awaitTrue("block " + due + " arrives", () -> server.bodyBytesSoFar() >= blocks * block);
            // The next block is not due until the clock moves on: none of it can have been sent.
            assertThat(server.bodyBytesSoFar()).as("bytes sent %d ms in", (due - 1) * 100).isEqualTo(blocks * block);
            if (due < 20) {
                assertThat(run).isNotDone();
            }
            clock.advanceMillis(100);
        }
        CliRun done = run.get(10, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        assertThat(server.request().body()).isEqualTo(pcm);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(2);
        }
    }

    private CliRun pushSilence(String... options) throws IOException {
        String[] args = new String[options.length + 7];
        args[0] = "push";
        System.arraycopy(options, 0, args, 1, options.length);
        System.arraycopy(new String[] {"--format", "f32le", "--rate", "24000", server.url("/live"),
            write("silence.f32", new byte[9600]).toString()}, 0, args, options.length + 1, 6);
        return CliRun.run(args);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Stdin from a live producer: one block, then nothing until the server has that block (or ten
     * seconds have passed), then the end. A push that waited for the end before sending would
     * leave the server without it.
     */
    private static final class AfterFirstBlock extends InputStream {
        private final int blockBytes;
        private final FakeIngest server;
        private int given;
        private volatile boolean serverHadTheFirstBlockBeforeTheEnd;

        AfterFirstBlock(int blockBytes, FakeIngest server) {
            this.blockBytes = blockBytes;
            this.server = server;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("block reads only");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (given < blockBytes) {
                int n = Math.min(len, blockBytes - given);
                given += n;
                return n;
            }
            serverHadTheFirstBlockBeforeTheEnd = waitForServer();
            return -1;
        }

        private boolean waitForServer() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.bodyBytesSoFar() < blockBytes && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return server.bodyBytesSoFar() >= blockBytes;
        }
    }
}
