package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Signals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 14, item 2: web pages cannot push by accident; browsers' WebSocket producers get a credential they can send. */
class SourceOriginTest {
    private static final String PCM = "/x.mp3?format=f32le&rate=24000";
    private static final String PASSWORD = "s3cret-Pa55";
    private final HttpClient http = HttpClient.newHttpClient();
    private final byte[] oneSecond = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));

    @Test
    void aCrossSitePostFromLoopbackWithoutAPasswordGets403AndCreatesNoMount() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual()).start()) {
            HttpResponse<String> res = post(server, "Origin", "http://evil.example");
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.body()).contains("origin not allowed to push: 'http://evil.example'", "--allowed-origins");
            assertThat(server.mounts()).isEmpty();
            assertThat(post(server).statusCode()).as("no Origin: not a browser").isEqualTo(200);
        }
    }

    @Test
    void anOriginNotListedIsRefusedEvenWithTheRightPasswordAndAListedOneIsAdmitted() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual()).ingest(IngestSettings.DEFAULT
                .withSourcePassword(PASSWORD).withAllowedOrigins(List.of("https://studio.example.com"))).start()) {
            String auth = Put.basic("source", PASSWORD);
            assertThat(post(server, "Origin", "https://other.example.com", "Authorization", auth).statusCode()).isEqualTo(403);
            assertThat(post(server, "Origin", "null", "Authorization", auth).statusCode()).isEqualTo(403);
            assertThat(post(server, "Origin", "https://STUDIO.example.com:443", "Authorization", auth).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aWebSocketFromAnOriginNotListedIsRefusedBeforeTheHandshake() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual()).start();
             RawHttp ws = RawHttp.get(server.port(), PCM, "Upgrade: websocket", "Connection: Upgrade",
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                     "Origin: http://evil.example")) {
            assertThat(ws.status).isEqualTo(403);
            assertThat(server.mounts()).isEmpty();
        }
    }

    @Test
    void aBrowserWebSocketPushesWithTheTokenAsASubprotocolOrInTheQueryAndAWrongOneGets401AndNoTokenIsLogged()
            throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual())
                .ingest(IngestSettings.DEFAULT.withSourcePassword(PASSWORD)).start();
             LogCapture log = LogCapture.start()) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));
            try (RawHttp wrong = RawHttp.get(server.port(), PCM, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Protocol: mp3cast, mp3cast.token.d3Jvbmc")) {
                assertThat(wrong.status).isEqualTo(401);
            }
            try (RawHttp viaProtocol = RawHttp.get(server.port(), PCM, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Protocol: mp3cast, mp3cast.token." + token)) {
                assertThat(viaProtocol.status).isEqualTo(101);
                assertThat(viaProtocol.headers).containsEntry("sec-websocket-protocol", "mp3cast");
            }
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port()
                    + "/q.mp3?format=f32le&rate=24000&token=" + PASSWORD), new WebSocketIngestTest.Closing())
                    .get(20, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(oneSecond), true).get(20, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
            IcecastSourceTest.awaitTrue("/q.mp3 created", () -> server.mounts().stream().anyMatch(m -> m.path().equals("/q.mp3")));
            assertThat(log.text()).doesNotContain(PASSWORD).doesNotContain(token).contains("401");
        }
    }

    private HttpResponse<String> post(Mp3CastServer server, String... headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + PCM)).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(oneSecond));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
