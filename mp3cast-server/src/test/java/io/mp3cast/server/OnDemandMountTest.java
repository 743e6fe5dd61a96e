package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.status;
import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.FeedState;
import io.mp3cast.live.PacedSourceFeed;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.time.Scheduler;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A generated mount on demand (the built-in generators' default in mount specs) stands by while no
 * listener, HLS client or fallback user wants it, so an idle server encodes nothing, and a listener
 * who comes gets the burst at once and then real-time audio that decodes to the tone, with no gap.
 * A mount not on demand runs on with no one listening. The server's clock is a manual one.
 */
class OnDemandMountTest {
    private static final int STANDBY_MS = PacedSourceFeed.STANDBY_AFTER_MILLIS;

    @Test
    void anOnDemandMountStandsByWithNoOneAndAListenerGetsTheBurstAtOnceThenRealTimeAudio() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mount(MountConfig.of("/demand.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone", true)
                .mount(MountConfig.of("/always.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                .start()) {
            Mount demand = server.mount("/demand.mp3");
            Mount always = server.mount("/always.mp3");
            clock.advanceMillis(STANDBY_MS + 1000);
            assertThat(demand.feedState()).isEqualTo(FeedState.STANDBY);
            assertThat(always.feedState()).isEqualTo(FeedState.RUNNING);
            assertThat(status(server)).contains("\"state\":\"standby\"");
            long stood = demand.audioMicros();
            clock.advanceMillis(30_000);
            assertThat(demand.audioMicros()).as("audio made while standing by").isEqualTo(stood);
            assertThat(always.audioMicros()).isGreaterThan(40_000_000L);

            ByteArrayOutputStream heard = new ByteArrayOutputStream();
            try (RawHttp listener = RawHttp.get(server.port(), "/demand.mp3")) {
                await("listeners", demand::listeners, 1, 10_000);
                clock.runDue();
                assertThat(demand.feedState()).isEqualTo(FeedState.RUNNING);
                // The burst (40 KiB floor: 5 s at 64 kbps) comes at once, from what was made before standing by.
                heard.write(listener.readExactly(40 * 1024));
                clock.advanceMillis(4000);
                assertThat(demand.audioMicros() - stood).as("real time again").isBetween(3_800_000L, 4_200_000L);
                heard.write(listener.readExactly(3 * 8000));  // 3 of the 4 s at 8000 bytes a second
            }
            Decoded d = Mp3Decoding.decode(heard.toByteArray());
            assertThat(d.badFrames()).isZero();
            float[] pcm = d.channel(0);
            assertThat(AudioMath.dominantFrequencyHz(pcm, 0, 24000, 24000, 300, 600)).isEqualTo(440.0);
            assertThat(AudioMath.dominantFrequencyHz(pcm, pcm.length - 24000, 24000, 24000, 300, 600)).isEqualTo(440.0);
            // One continuous encoder across standing by: the tone runs on with no click where it stood.
            assertThat(worstToneResidual(pcm, 4 * 576, 24000, 440, 1200))
                    .as("worst 50 ms window: what a 440 Hz sine of its own phase leaves unexplained").isLessThan(0.1);

            await("listeners gone", demand::listeners, 0, 10_000);
            clock.advanceMillis(STANDBY_MS + 1000);
            assertThat(demand.feedState()).isEqualTo(FeedState.STANDBY);
            HttpResponse<String> playlist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/demand.m3u8")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(playlist.statusCode()).isEqualTo(200);
            clock.runDue();
            assertThat(demand.feedState()).as("after an HLS request").isEqualTo(FeedState.RUNNING);
            clock.advanceMillis(STANDBY_MS + 1000);
            assertThat(demand.feedState()).as("an HLS client wants it for a minute").isEqualTo(FeedState.RUNNING);
        }
    }

    @Test
    void aStandingByMountGoesOnWhenAProducerMakesAMountThatFallsBackToIt() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mount(MountConfig.of("/music.mp3"), AudioSources.tone(24000, 880), EncoderSettings.cbr(64), "tone", true)
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/music.mp3")).start()) {
            Mount music = server.mount("/music.mp3");
            clock.advanceMillis(STANDBY_MS + 1000);
            assertThat(music.feedState()).isEqualTo(FeedState.STANDBY);
            try (Pusher p = Pusher.chunked(server.port(), "/made.mp3?format=f32le&rate=24000")) {
                p.write(Pusher.f32le(new float[2400]));
                await("the producer's mount", () -> server.mounts().size(), 2, 10_000);
                clock.runDue();
                assertThat(music.feedState()).as("the fallback of a mount that now exists").isEqualTo(FeedState.RUNNING);
            }
        }
    }

    @Test
    void aMountThatIsAPushMountsFallbackNeverStandsBy() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mount(MountConfig.of("/music.mp3"), AudioSources.tone(24000, 880), EncoderSettings.cbr(64), "tone", true)
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/music.mp3"))
                .pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64)).start()) {
            clock.advanceMillis(3 * STANDBY_MS);
            assertThat(server.mount("/music.mp3").feedState()).isEqualTo(FeedState.RUNNING);
        }
    }

    /**
     * The worst, over windows of {@code n} samples from {@code from} (half-overlapping), of the
     * share of the window's energy a least-squares sine at {@code hz} does not explain (0: a pure
     * tone throughout; a gap, a click or a phase jump inside a window shows as a large share).
     */
    private static double worstToneResidual(float[] pcm, int from, int rate, double hz, int n) {
        double worst = 0;
        for (int start = from; start + n <= pcm.length; start += n / 2) {
            double ss = 0, cc = 0, sc = 0, xs = 0, xc = 0, xx = 0;
            for (int i = start; i < start + n; i++) {
                double w = 2 * Math.PI * hz * i / rate;
                double sn = Math.sin(w);
                double cs = Math.cos(w);
                ss += sn * sn;
                cc += cs * cs;
                sc += sn * cs;
                xs += pcm[i] * sn;
                xc += pcm[i] * cs;
                xx += (double) pcm[i] * pcm[i];
            }
            double det = ss * cc - sc * sc;
            double a = (xs * cc - xc * sc) / det;
            double b = (xc * ss - xs * sc) / det;
            double explained = a * xs + b * xc;
            worst = Math.max(worst, xx == 0 ? 1 : (xx - explained) / xx);
        }
        return worst;
    }
}
