package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.PASSWORD;
import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static io.mp3cast.server.IcecastSourceTest.icecastServer;
import static io.mp3cast.server.IcecastSourceTest.join;
import static io.mp3cast.server.IcecastSourceTest.split;
import static io.mp3cast.server.IcecastSourceTest.status;
import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.SilentFrame;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.ManualClock;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceLifecycleTest {
    private static final int RATE = 24000;

    @Test
    void aListenerStaysConnectedWhileTheProducerGoesAwayHearsSilenceThenTheReturningProducer() throws Exception {
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock).start()) {
            pushTone(server, 440);
            Mount mount = server.mount("/live.mp3");
            PushFeed feed = mount.pushFeed().orElseThrow();
            try (RawHttp listener = RawHttp.get(server.port(), "/live.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(2500);
                assertThat(status(server)).contains("\"state\":\"silence\"", "\"connected\":false");

                pushTone(server, 880);
                assertThat(status(server)).contains("\"state\":\"live\"");
                clock.advanceMillis(2500);
                assertThat(mount.listeners()).isEqualTo(1);
                assertThat(feed.producersConnected()).isEqualTo(2);
                mount.stop();
                byte[] body = listener.readAll();

                Mp3Bytes.assertChunksHoldWholeFrames(body, listener.chunkSizes());
                assertThat(Mp3Bytes.frames(body)).isBetween(5000 / 24 - 1, 5000 / 24 + 1);
                Decoded decoded = Mp3Decoding.decode(body);
                float[] pcm = decoded.channel(0);
                assertThat(AudioMath.dominantFrequencyHz(pcm, at(0.1), at(1.2), RATE, 300, 1000)).isEqualTo(440.0);
                assertThat(AudioMath.rms(pcm, at(1.7), at(0.7))).as("silence between").isLessThan(1e-3);
                assertThat(AudioMath.dominantFrequencyHz(pcm, at(2.7), at(1.2), RATE, 300, 1000)).isEqualTo(880.0);
                assertThat(AudioMath.rms(pcm, at(4.2), at(0.7))).as("silence after").isLessThan(1e-3);
                assertThat(Tools.mpg123Complaints(body)).isEmpty();
            }
        }
    }

    private static int at(double seconds) {
        return (int) (seconds * RATE);
    }

    private static void pushTone(Mp3CastServer server, double hz) throws Exception {
        try (Pusher p = Pusher.chunked(server.port(), "/live.mp3?format=f32le&rate=24000&channels=1")) {
            p.writeInPieces(Pusher.f32le(Signals.toneMix(RATE, at(1.5), 0.5, hz)), 4096);
            assertThat(p.finish().status()).isEqualTo(200);
        }
    }

    @Test
    void anMp3SourceThatGoesAwayLeavesSilentFramesOfItsShapeUntilTheNextOnesFramesFollow() throws Exception {
        List<byte[]> first = frames(440);
        List<byte[]> second = frames(880);
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = icecastServer(clock).start()) {
            pushMp3(server, first);
            Mount mount = server.mount("/live.mp3");
            try (RawHttp listener = RawHttp.get(server.port(), "/live.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(2000);
                pushMp3(server, second);
                clock.advanceMillis(2000);
                mount.stop();
                byte[] body = listener.readAll();

                List<byte[]> got = split(body);
                byte[] silent = SilentFrame.like(first.get(0), 0);
                int i = 0;
                for (byte[] f : first) {
                    assertThat(got.get(i++)).isEqualTo(f);
                }
                int silentFrames = 0;
                while (i < got.size() && java.util.Arrays.equals(got.get(i), silent)) {
                    i++;
                    silentFrames++;
                }
                assertThat(silentFrames * 26.122).as("ms of silence between").isBetween(900.0, 1100.0);
                for (byte[] f : second) {
                    assertThat(got.get(i++)).isEqualTo(f);
                }
                Decoded decoded = Mp3Decoding.decode(body);
                assertThat(decoded.frames()).isEqualTo(got.size());
                assertThat(Tools.mpg123Complaints(body)).isEmpty();
            }
        }
    }

    private static List<byte[]> frames(double hz) {
        int n = 44100;
        return split(Encoding.encode(PcmFormat.of(44100, 2, SampleEncoding.FLOAT32_LE), EncoderSettings.cbr(128),
                Signals.interleave(Signals.toneMix(44100, n, 0.5, hz), Signals.toneMix(44100, n, 0.5, hz))));
    }

    private static void pushMp3(Mp3CastServer server, List<byte[]> frames) throws Exception {
        try (Pusher source = Pusher.icecast(server.port(), "/live.mp3", PASSWORD)) {
            source.writeInPieces(join(frames), 1500);
        }
        awaitTrue("source gone", () -> server.mounts().stream().anyMatch(m -> m.path().equals("/live.mp3"))
                && server.mount("/live.mp3").pushFeed().orElseThrow().producer().isEmpty());
    }
}
