package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.Heard;
import io.mp3cast.server.Icecast;
import io.mp3cast.server.IcyCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp3cast push} against Debian's real {@code icecast2}, started here with a config written here. */
class PushToIcecastTest {
    @TempDir
    Path dir;

    @Test
    void aFloatWavPushedToIcecastIsHeardThereAsItsToneWithItsTitleAndNoDecodeErrorAfterTheFirstFrame() throws Exception {
        Path wav = dir.resolve("tone.wav");
        Files.write(wav, TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(TestAudio.tones(24000, 4, 550))));
        try (Icecast icecast = Icecast.start(dir)) {
            // http://, not icecast://: push finds out who the server is from its answer.
            String url = "http://source:" + Icecast.SOURCE_PASSWORD + "@127.0.0.1:" + icecast.port() + "/tone.mp3";
            CompletableFuture<CliRun> push = CompletableFuture.supplyAsync(() -> CliRun.run("push",
                    "--title", "A tone at 550 Hz", "--name", "Tone radio", url, wav.toString()));
            awaitMount(icecast, "/tone.mp3", push);
            icecast.awaitStatus(5000, "\"audio_info\":\"samplerate=24000;channels=1;bitrate=64\"",
                    "\"server_name\":\"Tone radio\"");
            try (IcyCapture listener = IcyCapture.open(icecast.port(), "/tone.mp3")) {
                listener.awaitTitle("A tone at 550 Hz", 5000);
                CliRun run = push.get();
                assertThat(run.exitCode()).as(run.stderr()).isZero();
                assertThat(run.stderr()).isEmpty();
                listener.awaitEnd(10_000);  // Icecast ends its listeners when the source leaves

                Heard heard = Heard.of(listener).assertDecodesCleanly();
                assertThat(heard.sampleRateHz()).isEqualTo(24000);
                assertThat(heard.seconds()).isGreaterThan(2.5);
                assertThat(heard.dominantHz(0.5, heard.seconds() - 0.5)).isCloseTo(550, offset(5.0));
            }
        }
    }

    static void awaitMount(Icecast icecast, String mount, CompletableFuture<CliRun> push) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!icecast.hasMount(mount)) {
            if (push.isDone()) {
                throw new AssertionError("push ended before its mount was up: " + push.get().stderr());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(mount + " not on Icecast within 10 s: " + icecast.log());
            }
            Thread.sleep(20);
        }
    }
}
