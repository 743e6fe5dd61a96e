package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.ManualClock;
import io.mp3cast.testing.Signals;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Bad input, credentials, one source per mount, and the limits: each refusal says what is wrong. */
class IngestRulesTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final byte[] oneSecond = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));

    HttpResponse<String> put(Mp3CastServer server, String target, byte[] body, String... headers) throws Exception {
        return Put.send(http, server.port(), target, body, headers);
    }

    static String basic(String user, String password) {
        return Put.basic(user, password);
    }

    @Test
    void aMissingOrWrongFormatGets400NamingTheParameter() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock()).start()) {
            assertBad(put(server, "/a.mp3?rate=24000", oneSecond), "format: missing");
            assertBad(put(server, "/a.mp3?format=u8&rate=24000", oneSecond), "format: 'u8' not supported (f32le, s16le, s16be, wav, mp3)");
            assertBad(put(server, "/a.mp3?format=f32le", oneSecond), "rate: missing");
            assertBad(put(server, "/a.mp3?format=f32le&rate=22051", oneSecond), "rate: 22051 not supported");
            assertBad(put(server, "/a.mp3?format=f32le&rate=abc", oneSecond), "rate: not a whole number: 'abc'");
            assertBad(put(server, "/a.mp3?format=s16le&rate=24000&channels=3", oneSecond), "channels: 3 not supported");
            assertBad(put(server, "/a.mp3", oneSecond, "Content-Type", "audio/L16"), "rate: missing in Content-Type");
            assertBad(put(server, "/a.mp3?format=f32le&rate=24000&pace=slow", oneSecond), "pace: 'slow' not supported");
            assertBad(put(server, "/a.mp3?format=f32le&rate=24000&bitrate=7", oneSecond), "bitrate");
            assertBad(put(server, "/a.mp3", oneSecond), "format: missing");
            assertBad(put(server, "/a.mp3", "RIFF\0\0\0\0WAVX".getBytes(), "Content-Type", "audio/wav"),
                    "WAV: RIFF form type: got 'WAVX', expected 'WAVE'");
            assertBad(put(server, "/a.mp3?format=f32le&rate=8000&bitrate=320", oneSecond), "bitrateKbps not supported: 320");
            assertThat(server.mounts()).as("refused sources leave no mount behind").isEmpty();
        }
    }

    private static void assertBad(HttpResponse<String> res, String message) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(res.body()).contains(message);
    }

    @Test
    void aWavWithoutAnyFormatParameterIsRecognisedByItsHeader() throws Exception {
        byte[] pcm = Pusher.s16(Signals.toShorts(Signals.toneMix(22050, 22050, 0.5, 440)), ByteOrder.LITTLE_ENDIAN);
        byte[] wav = Pusher.concat(new WavHeader(PcmFormat.of(22050, 1, SampleEncoding.INT16_LE),
                WavHeader.UNTIL_END_OF_STREAM).toBytes(), pcm);
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock()).start()) {
            HttpResponse<String> res = put(server, "/wav.mp3", wav);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.body()).contains("pushed 1.000 s of PCM 22050 Hz mono INT16_LE");
        }
    }

    @Test
    void aWrongPasswordGets401AndTheRightOneIsAccepted() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock())
                .ingest(IngestSettings.DEFAULT.withSourcePassword("s3cret")).start()) {
            String target = "/a.mp3?format=f32le&rate=24000";
            HttpResponse<String> none = put(server, target, oneSecond);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            HttpResponse<String> wrong = put(server, target, oneSecond, "Authorization", basic("source", "guess"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong source credentials");
            assertThat(put(server, target, oneSecond, "Authorization", basic("admin", "s3cret")).statusCode()).isEqualTo(401);
            assertThat(server.mounts()).isEmpty();

            HttpResponse<String> right = put(server, target, oneSecond, "Authorization", basic("source", "s3cret"));
            assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        }
    }

    @Test
    void aSecondSourceOnAMountGets403WhileTheFirstIsConnected() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock()).start();
             Pusher first = Pusher.chunked(server.port(), "/one.mp3?format=f32le&rate=24000")) {
            first.write(oneSecond);
            awaitTrue("first source connected", () -> server.mounts().stream().anyMatch(m -> m.path().equals("/one.mp3")
                    && m.pushFeed().orElseThrow().producer().isPresent()));
            HttpResponse<String> second = put(server, "/one.mp3?format=f32le&rate=24000", oneSecond);
            assertThat(second.statusCode()).isEqualTo(403);
            assertThat(second.body()).contains("/one.mp3 already has a source (127.0.0.1:", "takeover is off");
            first.write(oneSecond);
            assertThat(first.finish().body()).startsWith("pushed 2.000 s");
        }
    }

    @Test
    void withTakeoverASecondSourceReplacesTheFirstWhoseConnectionIsClosed() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock())
                .ingest(IngestSettings.DEFAULT.withTakeover(true)).start();
             Pusher first = Pusher.chunked(server.port(), "/one.mp3?format=f32le&rate=24000")) {
            first.write(oneSecond);
            awaitTrue("first source connected", () -> server.mounts().stream().anyMatch(m -> m.path().equals("/one.mp3")
                    && m.pushFeed().orElseThrow().producer().isPresent()));
            HttpResponse<String> second = put(server, "/one.mp3?format=f32le&rate=24000", oneSecond);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            Pusher.Response firstAnswer = first.response();
            assertThat(firstAnswer.status()).isEqualTo(409);
            assertThat(firstAnswer.body()).contains("another source took over");
            assertThat(first.serverClosed()).isTrue();
        }
    }

    @Test
    void mountsAreCreatedOnlyWhenAllowedAndUpToTheLimit() throws Exception {
        String target = "?format=f32le&rate=24000";
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock())
                .ingest(IngestSettings.DEFAULT.withCreateMounts(false))
                .pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64)).start()) {
            assertThat(IcecastSourceTest.status(server)).contains("\"mount\":\"/live.mp3\"", "\"state\":\"idle\"",
                    "\"connected\":false");
            HttpResponse<String> res = put(server, "/other.mp3" + target, oneSecond);
            assertThat(res.statusCode()).isEqualTo(404);
            assertThat(res.body()).contains("create-mounts is off");
            assertThat(put(server, "/live.mp3" + target, oneSecond).statusCode()).isEqualTo(200);
        }
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).pacingClock(new ManualClock(2))
                .mount(MountConfig.of("/tone.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .ingest(IngestSettings.DEFAULT.withMaxMounts(2)).start()) {
            assertThat(put(server, "/a.mp3" + target, oneSecond).statusCode()).isEqualTo(200);
            HttpResponse<String> third = put(server, "/b.mp3" + target, oneSecond);
            assertThat(third.statusCode()).isEqualTo(403);
            assertThat(third.body()).contains("too many mounts: 2 is the limit");
            assertThat(put(server, "/tone.mp3" + target, oneSecond).statusCode())
                    .as("a generator mount takes no sources").isEqualTo(405);
            assertThat(put(server, "/status.json" + target, oneSecond).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock()).start();
             Pusher p = Pusher.chunked(server.port(), "/a.mp3?format=f32le&rate=24000", "X-Padding: " + "x".repeat(20_000))) {
            assertThat(p.response().status()).isEqualTo(431);
        }
    }

    @Test
    void theBodyRateLimitSlowsAFastSourceWithoutLosingAnything() throws Exception {
        int kbps = 4000;  // 500 kB/s: ten seconds of 24 kHz float audio take about two seconds
        try (Mp3CastServer server = PcmPushTest.pushServer(new ManualClock())
                .ingest(IngestSettings.DEFAULT.withMaxBodyKbps(kbps).withBufferMillis(60_000)).start()) {
            byte[] tenSeconds = Pusher.concat(oneSecond, oneSecond, oneSecond, oneSecond, oneSecond,
                    oneSecond, oneSecond, oneSecond, oneSecond, oneSecond);
            long start = System.nanoTime();
            HttpResponse<String> res = put(server, "/a.mp3?format=f32le&rate=24000", tenSeconds);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(res.body()).startsWith("pushed 10.000 s");
            assertThat(millis).as("a lower bound only: the limit held the upload back").isGreaterThanOrEqualTo(1500);
        }
    }
}
