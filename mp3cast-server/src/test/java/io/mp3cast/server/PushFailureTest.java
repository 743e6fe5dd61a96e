package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 14, item 4: a push ends cleanly or fails cleanly, and a failed push leaves no mount it created. */
class PushFailureTest {
    private static final String PCM = "?format=f32le&rate=24000";
    private final HttpClient http = HttpClient.newHttpClient();
    private final byte[] oneSecond = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));

    private static Mp3CastServer start() throws Exception {
        return PcmPushTest.pushServer(Scheduler.manual()).start();
    }

    @Test
    void aChunkSizeThatIsNotHexGets400AndTheMountItCreatedIsGone() throws Exception {
        try (Mp3CastServer server = start(); Pusher p = Pusher.chunked(server.port(), "/bad.mp3" + PCM)) {
            p.writeRaw("zz\r\nhello\r\n0\r\n\r\n");
            Pusher.Response r = p.response();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("not valid chunked encoding");
            assertThat(r.headers()).containsKey("x-request-id");
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/bad.mp3");
        }
    }

    @Test
    void aChunkSizeLineOfTenThousandDigitsGets400AndNoMount() throws Exception {
        try (Mp3CastServer server = start(); Pusher p = Pusher.chunked(server.port(), "/long.mp3" + PCM)) {
            p.writeRaw("1".repeat(10_000) + "\r\n");
            Pusher.Response r = p.response();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("not valid chunked encoding");
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/long.mp3");
        }
    }

    @Test
    void anMp3PushWithoutASingleFrameGets400AndNoMount() throws Exception {
        byte[] garbage = new byte[20_000];
        new Random(7).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if ((garbage[i] & 0xFF) == 0xFF) {
                garbage[i] = 0x7F;  // no frame sync anywhere
            }
        }
        try (Mp3CastServer server = start()) {
            HttpResponse<String> res = Put.send(http, server.port(), "/garbage.mp3", garbage, "Content-Type", "audio/mpeg");
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.body()).contains("no MP3 frame found in 20000 bytes");
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/garbage.mp3");
        }
    }

    @Test
    void anEmptyBodyGets400AndNoMount() throws Exception {
        try (Mp3CastServer server = start()) {
            HttpResponse<String> res = Put.send(http, server.port(), "/empty.mp3" + PCM, new byte[0]);
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.body()).contains("empty");
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/empty.mp3");
        }
    }

    @Test
    void aWavWhoseHeaderTurnsInvalidGets400NamingTheFieldAndNoMount() throws Exception {
        byte[] header = new WavHeader(PcmFormat.floatMono(24000), 96_000).toBytes();
        header[20] = 9;  // the format tag: neither PCM nor float
        try (Mp3CastServer server = start()) {
            HttpResponse<String> res = Put.send(http, server.port(), "/wav.mp3", Pusher.concat(header, oneSecond),
                    "Content-Type", "audio/wav");
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.body()).startsWith("WAV: ");
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/wav.mp3");
        }
    }

    @Test
    void audioAcceptedBeforeTheBodyTurnedBadIsKeptWithItsMount() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock).start();
             Pusher p = Pusher.chunked(server.port(), "/half.mp3" + PCM)) {
            p.write(oneSecond);
            p.writeRaw("zz\r\n");
            assertThat(p.response().status()).isEqualTo(400);
            Mount mount = server.mount("/half.mp3");
            ServerFixture.Tap tap = ServerFixture.Tap.on(mount.stream());
            clock.advanceMillis(1500);
            float[] played = Mp3Decoding.decode(tap.toByteArray()).channel(0);
            assertThat(AudioMath.dominantFrequencyHz(played, 2400, 12000, 24000, 300, 1000))
                    .as("the second pushed before the bad chunk plays out").isEqualTo(440.0);
        }
    }

    @Test
    void aGoodPushStillGets200() throws Exception {
        try (Mp3CastServer server = start()) {
            HttpResponse<String> res = Put.send(http, server.port(), "/good.mp3" + PCM, oneSecond);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).startsWith("pushed 1.000 s");
            assertThat(server.mounts()).extracting(Mount::path).contains("/good.mp3");
        }
    }
}
