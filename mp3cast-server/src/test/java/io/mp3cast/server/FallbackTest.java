package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.status;
import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import org.junit.jupiter.api.Test;

class FallbackTest {

    @Test
    void aPushMountWithoutASourcePlaysItsFallbackMountThenTheSourceThenTheFallbackAgain() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mount(MountConfig.of("/music.mp3"), AudioSources.tone(24000, 880), EncoderSettings.cbr(64), "tone")
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/music.mp3"))
                .pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64)).start()) {
            Mount live = server.mount("/live.mp3");
            try (RawHttp listener = RawHttp.get(server.port(), "/live.mp3")) {
                await("listeners", live::listeners, 1, 10_000);
                clock.advanceMillis(1000);
                assertThat(status(server)).contains("\"state\":\"fallback\"");

                try (Pusher p = Pusher.chunked(server.port(), "/live.mp3?format=f32le&rate=24000")) {
                    p.write(Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440)));
                    assertThat(p.finish().status()).isEqualTo(200);
                }
                clock.advanceMillis(1000);
                assertThat(status(server)).contains("\"state\":\"live\"");
                clock.advanceMillis(1500);
                assertThat(status(server)).contains("\"state\":\"fallback\"");
                live.stop();

                byte[] body = listener.readAll();
                float[] pcm = Mp3Decoding.decode(body).channel(0);
                assertThat(AudioMath.dominantFrequencyHz(pcm, 4800, 14400, 24000, 300, 1000)).isEqualTo(880.0);
                assertThat(AudioMath.dominantFrequencyHz(pcm, 24000 + 4800, 14400, 24000, 300, 1000)).isEqualTo(440.0);
                assertThat(AudioMath.dominantFrequencyHz(pcm, pcm.length - 9600, 9600, 24000, 300, 1000)).isEqualTo(880.0);
                assertThat(live.listeners()).isZero();
            }
        }
    }
}
