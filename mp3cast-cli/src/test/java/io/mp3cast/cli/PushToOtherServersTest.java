package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mp3cast push} to a server that is not mp3cast (a stand-in for Icecast 2.4 on a bare
 * socket): PCM must never reach it raw, and the upload must have the shape Icecast reads.
 */
class PushToOtherServersTest {
    @TempDir
    Path dir;

    @Test
    void aWavForAServerThatIsNotMp3castIsEncodedHereAndSentInIcecastsSourceShape() throws Exception {
        Path wav = write("tone.wav", TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(TestAudio.tones(24000, 2, 550))));
        try (FakeIcecast icecast = new FakeIcecast(0)) {
            CliRun run = CliRun.run("push", "--no-realtime", "--password", "hackme", "--bitrate", "48", "--genre", "sine",
                    icecast.url("/tone.mp3"), wav.toString());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            FakeIcecast.Source source = icecast.sources(1).get(0);
            assertThat(source.requestLine()).isEqualTo("PUT /tone.mp3 HTTP/1.1");
            assertThat(source.headers()).containsEntry("expect", "100-continue")
                    .containsEntry("content-type", "audio/mpeg")
                    .containsEntry("ice-audio-info", "samplerate=24000;channels=1;bitrate=48")
                    .containsEntry("ice-bitrate", "48").containsEntry("ice-public", "0").containsEntry("ice-genre", "sine")
                    .containsKey("authorization").doesNotContainKeys("transfer-encoding", "content-length");
            assertThat(FrameHeader.parse(source.body(), 0).bitrateKbps()).isEqualTo(48);
            Decoded decoded = Mp3Decoding.decode(source.body());
            assertThat(decoded.seconds()).isBetween(2.0, 2.2);
            assertThat(AudioMath.dominantFrequencyHz(decoded.channel(0), 12000, 24000, 24000, 100, 2000))
                    .isCloseTo(550, offset(2.0));
        }
    }

    @Test
    void withReconnectAPushThatLosesItsConnectionGoesOnOnANewOneFromAFrameBoundary() throws Exception {
        Path wav = write("tone.wav", TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(TestAudio.tones(24000, 4, 440))));
        try (FakeIcecast icecast = new FakeIcecast(8000)) {
            CliRun run = CliRun.run("push", "--no-realtime", "--reconnect", icecast.url("/live.mp3"), wav.toString());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stderr()).contains("connection to 127.0.0.1:", "lost while sending", "trying again in 1 s");
            assertThat(icecast.sources(2)).hasSize(2);
            byte[] second = icecast.sources(2).get(1).body();
            assertThat(FrameHeader.isSync(second, 0)).as("the new connection starts on a frame").isTrue();
            assertThat(Mp3Decoding.decode(second).seconds()).isGreaterThan(0.5);
        }
    }

    @Test
    void withoutReconnectALostConnectionEndsThePushWithExitCode4() throws Exception {
        Path wav = write("tone.wav", TestAudio.wav(PcmFormat.floatMono(24000), TestAudio.float32le(TestAudio.tones(24000, 4, 440))));
        try (FakeIcecast icecast = new FakeIcecast(8000)) {
            CliRun run = CliRun.run("push", "--no-realtime", icecast.url("/live.mp3"), wav.toString());

            assertThat(run.exitCode()).isEqualTo(4);
            assertThat(run.stderr()).contains("lost while sending");
        }
    }

    @Test
    void encodeIsRefusedForAnMp3Input() {
        CliRun run = CliRun.run("push", "--encode", "http://127.0.0.1:1/live", "show.mp3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast push: --encode: the input is MP3 already");
    }

    private Path write(String name, byte[] bytes) throws java.io.IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
