package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.time.Scheduler;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Low-latency HLS over HTTP (RFC 8216bis 4.4.4.9 and 6.2.5.2), on a manual clock so that nothing
 * is made unless the test moves time: the playlist offers parts near its live edge and blocking
 * reloads; parts are fetchable tagged audio whose frames are their segment's; a blocking reload or
 * a preload-hinted part waits for what it names and is answered as soon as that is made; requests
 * too far ahead get 400, waits that run out 503, a stopped mount answers everyone waiting.
 */
class LowLatencyHlsTest {
    /** 1 s segments in parts of about 250 ms: four parts of 10 or 11 frames of 24 ms at 24 kHz. */
    private static final MountConfig LOW_LATENCY = MountConfig.of("/stream.mp3").withHls(new HlsSettings(1000, 4, 250));
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void thePlaylistListsPartsNearItsLiveEdgeAndEachPartIsTaggedAudioWhoseFramesAreItsSegments() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, LOW_LATENCY).start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            get(playlistUri);
            clock.advanceMillis(3600);
            HttpResponse<byte[]> res = get(playlistUri);
            HlsPlaylist playlist = HlsPlaylist.parse(new String(res.body()));
            assertThat(res.headers().firstValue("cache-control")).hasValue("public, max-age=1");
            assertThat(playlist.canBlockReload()).isTrue();
            assertThat(playlist.partTargetSeconds()).as("PART-TARGET: 11 frames of 24 ms").isEqualTo(0.264);
            assertThat(playlist.partHoldBackSeconds()).isEqualTo(0.792);
            assertThat(playlist.partsOf(playlist.next())).as("parts of the segment being made").isNotEmpty();
            assertThat(playlist.preloadHint()).endsWith("/" + playlist.next() + "." + playlist.partsOf(playlist.next()).size() + ".mp3");

            HlsPlaylist.Entry segment = playlist.entries().get(playlist.entries().size() - 1);
            List<HlsPlaylist.PartEntry> parts = playlist.partsOf(segment.sequence());
            assertThat(parts).hasSize(4);
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            double seconds = 0;
            HlsSegmentBytes whole = HlsSegmentBytes.parse(get(HlsPlaylist.resolve(playlistUri, segment)).body());
            long pts = whole.pts90k();
            for (HlsPlaylist.PartEntry p : parts) {
                HttpResponse<byte[]> part = get(playlistUri.resolve(p.uri()));
                assertThat(part.statusCode()).isEqualTo(200);
                assertThat(part.headers().firstValue("content-type")).hasValue("audio/mpeg");
                assertThat(part.headers().firstValue("cache-control")).hasValue("public, max-age=86400, immutable");
                HlsSegmentBytes bytes = HlsSegmentBytes.parse(part.body());
                assertThat(bytes.pts90k()).as("part %s's timestamp", p.uri()).isEqualTo(pts);
                pts += Math.round(bytes.duration90k());
                frames.writeBytes(bytes.audio());
                seconds += p.durationSeconds();
                HttpResponse<byte[]> head = send(playlistUri.resolve(p.uri()), "HEAD");
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(part.body().length));
            }
            assertThat(frames.toByteArray()).as("the parts' frames are the segment's").isEqualTo(whole.audio());
            assertThat(seconds).isCloseTo(segment.durationSeconds(), offset(0.003));
        }
    }

    @Test
    void aBlockingReloadAndAPreloadHintedPartWaitForWhatTheyNameAndAreAnsweredWhenItIsMade() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, LOW_LATENCY).start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            HlsPlaylist before = madeFor(clock, playlistUri, 2500);
            long msn = before.next();
            int part = before.partsOf(msn).size();
            URI hint = playlistUri.resolve(before.preloadHint());

            CompletableFuture<HttpResponse<byte[]>> reload = async(uri(server, "/stream.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part));
            CompletableFuture<HttpResponse<byte[]>> hinted = async(hint);
            Thread.sleep(300);
            assertThat(reload).as("blocking reload, before the part is made").isNotDone();
            assertThat(hinted).as("preload-hinted part, before it is made").isNotDone();

            clock.advanceMillis(300);
            HttpResponse<byte[]> answered = reload.get(5, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.headers().firstValue("cache-control")).as("as long as the window").hasValue("public, max-age=4");
            HlsPlaylist after = HlsPlaylist.parse(new String(answered.body()));
            assertThat(after.next() > msn || after.partsOf(msn).size() > part).as("the playlist holds part %d.%d", msn, part).isTrue();
            HttpResponse<byte[]> hintedPart = hinted.get(5, TimeUnit.SECONDS);
            assertThat(hintedPart.statusCode()).isEqualTo(200);
            assertThat(HlsSegmentBytes.parse(hintedPart.body()).frames()).isBetween(10, 11);

            HttpResponse<byte[]> made = get(uri(server, "/stream.m3u8?_HLS_msn=" + (msn - 1)));
            assertThat(made.statusCode()).as("a segment already made: at once").isEqualTo(200);
        }
    }

    @Test
    void requestsTooFarAheadOrMalformedGet400AndWaitsThatRunOutGet503() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, LOW_LATENCY)
                .mount(MountConfig.of("/plain.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone").start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            HlsPlaylist playlist = madeFor(clock, playlistUri, 2500);
            long next = playlist.next();
            int made = playlist.partsOf(next).size();
            for (String query : List.of("_HLS_msn=" + (next + 2), "_HLS_msn=" + next + "&_HLS_part=" + (made + 4),
                    "_HLS_part=1", "_HLS_msn=x", "_HLS_msn=-1", "_HLS_msn=1&_HLS_msn=2")) {
                HttpResponse<byte[]> res = get(uri(server, "/stream.m3u8?" + query));
                assertThat(res.statusCode()).as(query).isEqualTo(400);
                assertThat(new String(res.body())).as(query).contains("_HLS_");
            }
            assertThat(get(playlistUri.resolve(playlist.preloadHint().replace("/" + next + "." + made + ".mp3",
                    "/" + (next + 5) + ".0.mp3"))).statusCode()).as("a part far ahead").isEqualTo(404);

            long started = System.nanoTime();
            HttpResponse<byte[]> waited = get(uri(server, "/stream.m3u8?_HLS_msn=" + (next + 1)));
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(waited.statusCode()).as("nothing made for three target durations").isEqualTo(503);
            assertThat(waited.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(waitedMillis).as("ms waited: three target durations of 1 s").isBetween(2900L, 10_000L);

            HttpResponse<byte[]> plain = get(uri(server, "/plain.m3u8?_HLS_msn=99&_HLS_part=3"));
            assertThat(plain.statusCode()).as("a mount without parts ignores blocking parameters").isEqualTo(200);
            assertThat(HlsPlaylist.parse(new String(plain.body())).canBlockReload()).isFalse();
        }
    }

    @Test
    void aStoppedMountAnswersEveryoneWaitingWithItsEndedPlaylist() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, LOW_LATENCY).start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            HlsPlaylist playlist = madeFor(clock, playlistUri, 1500);
            CompletableFuture<HttpResponse<byte[]>> waiting = async(uri(server, "/stream.m3u8?_HLS_msn=" + (playlist.next() + 1)));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            server.mount("/stream.mp3").stop();
            HttpResponse<byte[]> res = waiting.get(2, TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(HlsPlaylist.parse(new String(res.body())).ended()).isTrue();
        }
    }

    /** Asks for the playlist (which starts the mount's segmenter), lets {@code millis} of audio be made, and reads it again. */
    private HlsPlaylist madeFor(Scheduler clock, URI playlistUri, long millis) throws Exception {
        get(playlistUri);
        clock.advanceMillis(millis);
        return HlsPlaylist.parse(new String(get(playlistUri).body()));
    }

    private HttpResponse<byte[]> get(URI uri) throws Exception {
        return send(uri, "GET");
    }

    private HttpResponse<byte[]> send(URI uri, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private CompletableFuture<HttpResponse<byte[]>> async(URI uri) {
        return http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI uri(Mp3CastServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
