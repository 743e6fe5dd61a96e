package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class StatusTest {

    @Test
    void statusJsonShowsEachMountsListenersFormatBitrateSourceUptimeAndBytesSentAndTheOpenStreams() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).demoRoutes().start()) {
            clock.advanceMillis(1000);
            try (RawHttp listener = RawHttp.get(server.port(), "/stream.mp3")) {
                await("listeners", server.mount("/stream.mp3")::listeners, 1, 10_000);
                listener.readExactly(1000);
                String json = get(server.port(), "/status.json");
                assertThat(json).contains("\"mount\":\"/stream.mp3\"", "\"listeners\":1",
                        "\"sampleRateHz\":24000", "\"channels\":1", "\"bitrateKbps\":64", "\"state\":\"running\"",
                        "\"description\":\"tone 440 Hz\"", "\"uptimeSeconds\":", "\"openStreams\":0",
                        "\"path\":\"/tone.mp3\"");
                assertThat(json).containsPattern("\"bytesSent\":[1-9]");

                String icecast = get(server.port(), "/status-json.xsl");
                assertThat(icecast).startsWith("{\"icestats\":{").contains("\"source\":{",
                        "\"listenurl\":\"http://127.0.0.1:" + server.port() + "/stream.mp3\"", "\"listeners\":1",
                        "\"bitrate\":64", "\"samplerate\":24000", "\"server_type\":\"audio/mpeg\"");
            }
        }
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        return res.body();
    }
}
