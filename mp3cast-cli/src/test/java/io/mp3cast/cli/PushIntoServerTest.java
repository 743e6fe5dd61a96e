package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.Mount;
import io.mp3cast.server.Mp3CastServer;
import io.mp3cast.server.RawHttp;
import io.mp3cast.time.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp3cast push} against the real server's ingest, not a fake: the two halves agree. */
class PushIntoServerTest {

    @Test
    void aWavPushedWithMp3castPushIsHeardOnTheMount(@TempDir Path dir) throws Exception {
        float[] tone = TestAudio.tones(24000, 2, 440);
        Path wav = dir.resolve("tone.wav");
        Files.write(wav, TestAudio.wav(PcmFormat.of(24000, 1, SampleEncoding.INT16_LE), TestAudio.int16le(tone)));
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .ingest(IngestSettings.DEFAULT.withSourcePassword("pw")).start()) {
            String url = "http://127.0.0.1:" + server.port() + "/live.mp3";
            CliRun refused = CliRun.run("push", "--password", "wrong", url, wav.toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("401");

            CliRun run = CliRun.run("push", "--password", "pw", "--name", "Pushed", "--title", "Tone à 440 Hz", url,
                    wav.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stderr()).isEmpty();
            Mount mount = server.mount("/live.mp3");
            assertThat(mount.config().name()).isEqualTo("Pushed");
            assertThat(mount.title()).as("set through /admin/metadata with the source's credentials").isEqualTo("Tone à 440 Hz");

            byte[] mp3;
            // Nothing has played yet (the manual clock has not moved): a listener now hears it all.
            try (RawHttp listener = RawHttp.get(server.port(), "/live.mp3")) {
                clock.advanceMillis(3000);
                mount.stop();
                mp3 = listener.readAll();
            }
            Path heard = dir.resolve("heard.mp3");
            Files.write(heard, mp3);
            TestAudio.assertSameAudio(tone, Mpg123.decode(heard), 1, 24000, 440);
        }
    }
}
