package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PcmPushTest {
    private static final int SECONDS = 2;

    static Mp3CastServer.Builder pushServer(Scheduler clock) {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock);
    }

    /** What a case pushes: the request's target and headers, its body, and the signal per channel. */
    record Case(String target, String[] headers, byte[] body, int rate, float[][] channels) {}

    static Case make(String kind) {
        return switch (kind) {
            case "f32le" -> {
                float[] mono = Signals.toneMix(24000, SECONDS * 24000, 0.5, 440, 1250);
                yield new Case("/f32.mp3?format=f32le&rate=24000&channels=1", new String[0], Pusher.f32le(mono),
                        24000, new float[][] {mono});
            }
            case "s16le" -> {
                float[][] lr = stereo(44100);
                yield new Case("/s16.mp3?format=s16le&rate=44100&channels=2", new String[0],
                        Pusher.s16(Signals.toShorts(Signals.interleave(lr[0], lr[1])), ByteOrder.LITTLE_ENDIAN), 44100, lr);
            }
            case "wav" -> {
                float[] mono = Signals.toneMix(16000, SECONDS * 16000, 0.5, 330, 990);
                byte[] pcm = Pusher.s16(Signals.toShorts(mono), ByteOrder.LITTLE_ENDIAN);
                byte[] header = new WavHeader(PcmFormat.of(16000, 1, SampleEncoding.INT16_LE), pcm.length).toBytes();
                yield new Case("/wav.mp3", new String[] {"Content-Type: audio/wav"}, Pusher.concat(header, pcm),
                        16000, new float[][] {mono});
            }
            case "l16" -> {
                float[][] lr = stereo(48000);
                yield new Case("/l16.mp3", new String[] {"Content-Type: audio/L16;rate=48000;channels=2"},
                        Pusher.s16(Signals.toShorts(Signals.interleave(lr[0], lr[1])), ByteOrder.BIG_ENDIAN), 48000, lr);
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static float[][] stereo(int rate) {
        return new float[][] {Signals.toneMix(rate, SECONDS * rate, 0.5, 440, 1250),
                Signals.toneMix(rate, SECONDS * rate, 0.5, 660, 2100)};
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f32le", "s16le", "wav", "l16"})
    void pcmPushedInOddChunksReachesAListenerWhoseDecodedAudioCorrelatesWithIt(String kind) throws Exception {
        Case c = make(kind);
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = pushServer(clock).start()) {
            Pusher.Response pushed;
            try (Pusher p = Pusher.chunked(server.port(), c.target, c.headers)) {
                p.writeInPieces(c.body, 1001, 7, 3, 4096, 1);
                pushed = p.finish();
            }
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            assertThat(pushed.body()).startsWith("pushed 2.000 s of PCM " + c.rate).doesNotContain("dropped");
            String path = c.target.replaceFirst("\\?.*", "");
            Mount mount = server.mount(path);
            try (RawHttp listener = RawHttp.get(server.port(), path)) {
                assertThat(listener.status).isEqualTo(200);
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(SECONDS * 1000 + 1000);
                mount.stop();
                Decoded decoded = Mp3Decoding.decode(listener.readAll());

                assertThat(decoded.sampleRateHz()).isEqualTo(c.rate);
                assertThat(decoded.channels()).isEqualTo(c.channels.length);
                for (int ch = 0; ch < c.channels.length; ch++) {
                    float[] original = c.channels[ch];
                    int lag = AudioMath.bestLag(original, decoded.channel(ch), 4000);
                    assertThat(AudioMath.alignedCorrelation(original, decoded.channel(ch), lag))
                            .as("channel %d at lag %d", ch, lag).isGreaterThanOrEqualTo(0.99);
                }
            }
        }
    }

    @Test
    void pushingInOddSizedChunksGivesTheSameMp3FramesAsPushingAtOnce() throws Exception {
        Case c = make("f32le");
        byte[] atOnce;
        byte[] inPieces;
        Scheduler clockA = Scheduler.manual();
        try (Mp3CastServer server = pushServer(clockA).start()) {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + c.target))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(c.body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            atOnce = listen(server, clockA, "/f32.mp3");
        }
        Scheduler clockB = Scheduler.manual();
        try (Mp3CastServer server = pushServer(clockB).start()) {
            try (Pusher p = Pusher.chunked(server.port(), c.target)) {
                p.writeInPieces(c.body, 1, 3, 7, 1001, 2, 4093, 5);
                Pusher.Response r = p.finish();
                assertThat(r.body()).startsWith("pushed 2.000 s").doesNotContain("dropped");
            }
            inPieces = listen(server, clockB, "/f32.mp3");
        }
        // The two pacers may start a poll (10 ms) apart, so one stream may end a frame of silence
        // later than the other: compare what both carry, which holds all the pushed audio.
        List<byte[]> a = IcecastSourceTest.split(atOnce);
        List<byte[]> b = IcecastSourceTest.split(inPieces);
        int common = Math.min(a.size(), b.size());
        assertThat(common).isBetween(3000 / 24 - 1, 3000 / 24 + 1);
        assertThat(b.subList(0, common)).usingElementComparator(Arrays::compare).isEqualTo(a.subList(0, common));
    }

    private static byte[] listen(Mp3CastServer server, Scheduler clock, String path) throws Exception {
        Mount mount = server.mount(path);
        try (RawHttp listener = RawHttp.get(server.port(), path)) {
            await("listeners", mount::listeners, 1, 10_000);
            clock.advanceMillis(3000);
            mount.stop();
            return listener.readAll();
        }
    }

    @Test
    void anIncompleteSampleFrameAtTheEndIsReportedAndEverySampleBeforeItIsKept() throws Exception {
        float[] mono = Signals.toneMix(24000, 24000, 0.5, 440);
        byte[] body = Pusher.concat(Pusher.f32le(mono), new byte[] {1, 2, 3});
        try (Mp3CastServer server = pushServer(Scheduler.manual()).start();
             Pusher p = Pusher.chunked(server.port(), "/odd.mp3?format=f32le&rate=24000")) {
            p.writeInPieces(body, 5, 1, 2);
            Pusher.Response r = p.finish();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("pushed 1.000 s of PCM 24000 Hz mono")
                    .contains("3 bytes of an incomplete last sample frame dropped");
        }
    }
}
