package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BadRequestTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Mp3CastServer server;

    @BeforeEach
    void start() throws Exception {
        server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3")).adminPassword("secret").demoRoutes().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownPathsGet404() throws Exception {
        assertThat(send("GET", "/nothing.mp3").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/web/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodsGet405WithTheAllowedOnes() throws Exception {
        HttpResponse<String> post = send("POST", "/stream.mp3");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValueSatisfying(v -> assertThat(v).contains("GET"));
        assertThat(send("DELETE", "/tone.mp3").statusCode()).isEqualTo(405);
        assertThat(send("PUT", "/status.json").statusCode()).isEqualTo(405);
    }

    @Test
    void malformedQueryValuesGet400NamingTheValue() throws Exception {
        assertBadRequest("/tone.mp3?hz=abc", "hz");
        assertBadRequest("/tone.mp3?hz=20000", "hz");
        assertBadRequest("/tone.mp3?seconds=-1", "seconds");
        assertBadRequest("/noise.mp3?seconds=forever", "seconds");
        assertBadRequest("/tone.mp3?rate=22051", "rate");
        assertBadRequest("/tone.mp3?bitrate=7", "bitrate");
        assertBadRequest("/tone.mp3?rate=24000&bitrate=320", "bitrate");
        assertBadRequest("/tone.mp3?pace=fast", "pace");
    }

    @Test
    void adminCallsGet401WithoutCredentialsAnd400Or404ForBadValues() throws Exception {
        assertThat(send("GET", "/admin/metadata?mount=/stream.mp3&mode=updinfo&song=x").statusCode()).isEqualTo(401);
        assertThat(IcyMetadataTest.admin(server.port(), "admin:secret", "mount=/nope.mp3&mode=updinfo&song=x")
                .statusCode()).isEqualTo(404);
        HttpResponse<String> badMode = IcyMetadataTest.admin(server.port(), "admin:secret",
                "mount=/stream.mp3&mode=kill&song=x");
        assertThat(badMode.statusCode()).isEqualTo(400);
        assertThat(badMode.body()).contains("mode");
    }

    private void assertBadRequest(String path, String value) throws Exception {
        HttpResponse<String> res = send("GET", path);
        assertThat(res.statusCode()).as(path).isEqualTo(400);
        assertThat(res.body()).as(path).contains(value);
    }
}
