package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What HLS clients and caches see over HTTP: content types, cache headers, CORS, HEAD, 404s no
 * cache keeps, paths no mount or source can take, relative segment URIs, and the window in
 * {@code /status.json}.
 */
class HlsHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void thePlaylistAndItsSegmentsCarryTheirTypesCacheHeadersAndCorsAndHeadGivesTheHeadersAlone() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, MountConfig.of("/stream.mp3")).start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            send(playlistUri, "GET");
            clock.advanceMillis(5000);
            HttpResponse<byte[]> playlist = send(playlistUri, "GET");
            assertThat(playlist.statusCode()).isEqualTo(200);
            assertHeaders(playlist, "application/vnd.apple.mpegurl", "public, max-age=1");
            HlsPlaylist.Entry first = HlsPlaylist.parse(new String(playlist.body())).entries().get(0);
            HttpResponse<byte[]> segment = send(HlsPlaylist.resolve(playlistUri, first), "GET");
            assertThat(segment.statusCode()).isEqualTo(200);
            assertHeaders(segment, "audio/mpeg", "public, max-age=86400, immutable");

            for (HttpResponse<byte[]> got : List.of(playlist, segment)) {
                HttpResponse<byte[]> head = send(got.uri(), "HEAD");
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.body()).isEmpty();
                for (String name : List.of("content-type", "cache-control", "content-length", "access-control-allow-origin")) {
                    assertThat(head.headers().firstValue(name)).as(name).isEqualTo(got.headers().firstValue(name));
                }
            }
        }
    }

    @Test
    void unknownAndExpiredSegmentsAndPlaylistsOfNoMountGet404sThatNoCacheKeeps() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withHls(new HlsSettings(1000, 4, 0));  // keeps 4 + 4 + 1 segments
        try (Mp3CastServer server = ServerFixture.toneServer(clock, config).start()) {
            URI playlistUri = uri(server, "/stream.m3u8");
            send(playlistUri, "GET");
            clock.advanceMillis(2000);
            HlsPlaylist.Entry first = HlsPlaylist.parse(new String(send(playlistUri, "GET").body())).entries().get(0);
            URI firstUri = HlsPlaylist.resolve(playlistUri, first);
            assertThat(send(firstUri, "GET").statusCode()).isEqualTo(200);
            String token = firstUri.getPath().split("/")[3];

            List<String> missing = List.of("/nope.m3u8", "/hls/stream.mp3/" + token + "/99.mp3",
                    "/hls/stream.mp3/wrongtoken/" + first.sequence() + ".mp3", "/hls/nope.mp3/" + token + "/0.mp3",
                    "/hls/stream.mp3/x.mp3", "/hls/");
            for (String path : missing) {
                HttpResponse<byte[]> res = send(uri(server, path), "GET");
                assertThat(res.statusCode()).as(path).isEqualTo(404);
                assertThat(res.headers().firstValue("cache-control")).as(path).hasValue("no-store");
            }
            clock.advanceMillis(10_000);
            HttpResponse<byte[]> expired = send(firstUri, "GET");
            assertThat(expired.statusCode()).as("segment %d after 12 s", first.sequence()).isEqualTo(404);
            assertThat(new String(expired.body())).contains("expired");
        }
    }

    @Test
    void hlsPathsTakeNoSourceAndNoMountCanLieThere() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).start()) {
            for (String path : List.of("/live.m3u8", "/hls/live.mp3")) {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri(server, path + "?format=f32le&rate=24000"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(path).isEqualTo(405);
            }
            assertThat(server.mounts()).isEmpty();
        }
        assertThatThrownBy(() -> MountConfig.of("/a.m3u8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/a.m3u8'");
        assertThatThrownBy(() -> MountConfig.of("/hls/a.mp3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/hls/a.mp3'");
        assertThatThrownBy(() -> MountConfig.of("/a.mp3").withHls(new HlsSettings(2000, 3, 0)))
                .hasMessageContaining("hlsWindowSegments not supported: 3").hasMessageContaining("4 or more");
        assertThatThrownBy(() -> MountConfig.of("/a.mp3").withHls(new HlsSettings(500, 6, 0))).hasMessageContaining("hlsSegmentMillis not supported: 500");
        assertThat(MountConfig.of("/a.mp3").withHls(new HlsSettings(2000, 4, 0)).hls().targetDurationSeconds()).isEqualTo(2);
        assertThat(MountConfig.of("/a.mp3").withHls(new HlsSettings(2500, 6, 0)).hls().targetDurationSeconds()).isEqualTo(3);
    }

    @Test
    void aNestedMountsPlaylistNamesItsSegmentsRelativeToItselfAndAMountWithoutMp3GetsOneToo() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mount(MountConfig.of("/radio/one.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .mount(MountConfig.of("/live"), AudioSources.tone(24000, 330), EncoderSettings.cbr(64))
                .start()) {
            Map<String, String> expected = Map.of("/radio/one.m3u8", "../hls/radio/one.mp3/", "/live.m3u8", "hls/live/");
            for (String path : expected.keySet()) {
                send(uri(server, path), "GET");
            }
            clock.advanceMillis(3000);
            for (Map.Entry<String, String> e : expected.entrySet()) {
                URI playlistUri = uri(server, e.getKey());
                HlsPlaylist.Entry first = HlsPlaylist.parse(new String(send(playlistUri, "GET").body())).entries().get(0);
                assertThat(first.uri()).startsWith(e.getValue());
                HttpResponse<byte[]> segment = send(HlsPlaylist.resolve(playlistUri, first), "GET");
                assertThat(segment.statusCode()).as(first.uri()).isEqualTo(200);
                assertThat(HlsSegmentBytes.parse(segment.body()).frames()).isPositive();
            }
            assertThat(server.mount("/live").hlsPlaylistPath()).isEqualTo("/live.m3u8");
        }
    }

    @Test
    void statusJsonShowsEachMountsHlsWindowOnceAClientAskedForIt() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = ServerFixture.toneServer(clock, MountConfig.of("/stream.mp3").withHls(new HlsSettings(1000, 4, 0))).start()) {
            clock.advanceMillis(1000);
            assertThat(StatusTest.get(server.port(), "/status.json")).contains("\"hls\":{\"playlist\":\"/stream.m3u8\","
                    + "\"segmentMillis\":1000,\"windowSegments\":4,\"targetDurationSeconds\":1,\"partMillis\":0,\"started\":false,");
            URI playlistUri = uri(server, "/stream.m3u8");
            send(playlistUri, "GET");
            clock.advanceMillis(7000);
            HlsPlaylist playlist = HlsPlaylist.parse(new String(send(playlistUri, "GET").body()));
            send(HlsPlaylist.resolve(playlistUri, playlist.entries().get(3)), "GET");

            Object status = MiniJson.parse(StatusTest.get(server.port(), "/status.json"));
            Object hls = MiniJson.at(((List<?>) MiniJson.at(status, "mounts")).get(0), "hls");
            assertThat(MiniJson.at(hls, "started")).isEqualTo(true);
            assertThat(MiniJson.at(hls, "segments")).isEqualTo(4.0);
            assertThat(MiniJson.at(hls, "mediaSequence")).isEqualTo((double) playlist.mediaSequence());
            assertThat((Double) MiniJson.at(hls, "windowSeconds")).isBetween(4 * 0.976, 4 * 1.024);
            // Fewer than 4 + 4 + 1 cut so far: all are kept, from sequence number 0.
            assertThat(MiniJson.at(hls, "keptSegments")).isEqualTo(playlist.mediaSequence() + 4.0);
            assertThat(MiniJson.at(hls, "playlistRequests")).isEqualTo(2.0);
            assertThat(MiniJson.at(hls, "segmentRequests")).isEqualTo(1.0);

            server.mount("/stream.mp3").stop();
            HlsPlaylist last = HlsPlaylist.parse(new String(send(playlistUri, "GET").body()));
            assertThat(last.ended()).as("a stopped mount's playlist ends with EXT-X-ENDLIST").isTrue();
            assertThat(last.entries().get(last.entries().size() - 1).sequence())
                    .as("the audio before the stop is cut into a last segment").isGreaterThan(playlist.entries().get(3).sequence());
        }
    }

    private static void assertHeaders(HttpResponse<byte[]> res, String type, String cacheControl) {
        assertThat(res.headers().firstValue("content-type")).hasValue(type);
        assertThat(res.headers().firstValue("cache-control")).hasValue(cacheControl);
        assertThat(res.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(res.body().length));
    }

    private HttpResponse<byte[]> send(URI uri, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI uri(Mp3CastServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
