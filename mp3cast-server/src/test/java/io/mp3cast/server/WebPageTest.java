package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebPageTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Mp3CastServer server;

    @BeforeEach
    void start() throws Exception {
        server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3")).demoRoutes().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootServesThePageAsHtmlWithASecurityPolicy() throws Exception {
        HttpResponse<String> res = send("GET", "/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(res.headers().firstValue("content-security-policy")).hasValueSatisfying(
                v -> assertThat(v).contains("default-src 'self'"));
        assertThat(res.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(res.body()).startsWith("<!doctype html>").contains("<audio", "tone-form", "/web/app.js");
        assertThat(send("GET", "/index.html").body()).isEqualTo(res.body());
    }

    @Test
    void everyScriptAndStylesheetThePageNamesIsServedWithItsContentType() throws Exception {
        String html = send("GET", "/").body();
        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"(/web/[^\"]+)\"").matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).contains("/web/app.js", "/web/style.css");
        for (String asset : assets) {
            HttpResponse<String> res = send("GET", asset);
            assertThat(res.statusCode()).as(asset).isEqualTo(200);
            assertThat(res.body()).as(asset).isNotEmpty();
            String expected = asset.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : asset.endsWith(".css") ? "text/css; charset=utf-8" : "?";
            assertThat(res.headers().firstValue("content-type")).as(asset).hasValue(expected);
        }
    }

    @Test
    void headGivesTheLengthWithoutTheBodyAndAnEtagRevalidatesTo304() throws Exception {
        HttpResponse<String> get = send("GET", "/web/app.js");
        HttpResponse<String> head = send("HEAD", "/web/app.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length"))
                .hasValue(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length));
        String etag = get.headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = send("GET", "/web/app.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void unknownFilesAndFoldersGet404() throws Exception {
        for (String path : List.of("/web/nothing.js", "/web/", "/web/app", "/web/.hidden.css", "/web/a/app.js",
                "/web/WebResources.class", "/index.htm")) {
            assertThat(send("GET", path).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void pathsThatClimbOutOfTheWebFolderGet404AndNeverAFile() throws Exception {
        for (String path : List.of("/web/../internal/WebResources.class", "/web/..%2fweb%2fapp.js",
                "/web/%2e%2e/%2e%2e/simplelogger.properties", "/web/..\\app.js", "/web/app.js%00.css",
                "/web//etc/passwd", "/web/%2fetc%2fpasswd")) {
            try (RawHttp res = RawHttp.get(server.port(), path)) {
                assertThat(res.status).as(path).isIn(400, 404);
                assertThat(new String(res.readAll(), StandardCharsets.UTF_8)).as(path).doesNotContain("root:");
            }
        }
    }

    @Test
    void thePageAcceptsOnlyGetAndHead() throws Exception {
        HttpResponse<String> post = send("POST", "/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/web/app.js").statusCode()).isEqualTo(405);
    }
}
