package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class IcyMetadataTest {
    static final int METAINT = 1000;

    @Test
    void anIcyClientParsesTheTitleSetThroughTheAdminCallAndAPlainClientGetsPureMp3() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withIcyMetaIntervalBytes(METAINT).withName("Test Radio");
        try (Mp3CastServer server = toneServer(clock, config).adminPassword("secret").start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            RawHttp icy = RawHttp.get(server.port(), "/stream.mp3", "Icy-MetaData: 1");
            RawHttp plain = RawHttp.get(server.port(), "/stream.mp3");
            await("listeners", mount::listeners, 2, 10_000);
            assertThat(icy.headers).containsEntry("icy-metaint", String.valueOf(METAINT))
                    .containsEntry("icy-name", "Test Radio").containsEntry("icy-br", "64")
                    .containsKey("icy-description");
            assertThat(plain.headers).doesNotContainKey("icy-metaint");

            HttpResponse<String> admin = admin(server.port(), "admin:secret",
                    "mount=/stream.mp3&mode=updinfo&song=Hello%20World");
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.body()).contains("<return>1</return>");
            assertThat(mount.title()).isEqualTo("Hello World");

            clock.advanceMillis(3000);
            mount.stop();
            BodyReader plainBody = BodyReader.start(plain);
            Icy parsed = Icy.parse(icy.readAll());
            byte[] plainBytes = plainBody.body();

            assertThat(parsed.titles).contains("Hello World");
            Decoded decoded = Mp3Decoding.decode(parsed.audio);
            assertThat(decoded.frames()).isEqualTo(Mp3Bytes.frames(parsed.audio));
            assertThat(Mp3Bytes.frames(plainBytes)).isPositive();
            assertThat(new String(plainBytes, StandardCharsets.ISO_8859_1)).doesNotContain("StreamTitle");
            assertThat(plainBytes).isEqualTo(parsed.audio);
            icy.close();
            plain.close();
        }
    }

    @Test
    void adminCallsWithoutTheRightCredentialsGet401() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = toneServer(clock, MountConfig.of("/stream.mp3")).adminPassword("secret").start()) {
            String query = "mount=/stream.mp3&mode=updinfo&song=x";
            HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/admin/metadata?" + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(admin(server.port(), "admin:wrong", query).statusCode()).isEqualTo(401);
            assertThat(admin(server.port(), "listener:secret", query).statusCode()).isEqualTo(401);
            assertThat(admin(server.port(), "source:secret", query).statusCode()).isEqualTo(200);
            assertThat(server.mount("/stream.mp3").title()).isEqualTo("x");
        }
    }

    static HttpResponse<String> admin(int port, String credentials, String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/admin/metadata?" + query))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An ICY body split into its audio and its titles, as a radio player does. */
    static final class Icy {
        final byte[] audio;
        final List<String> titles;

        private Icy(byte[] audio, List<String> titles) {
            this.audio = audio;
            this.titles = titles;
        }

        static Icy parse(byte[] body) {
            IcyCapture.Blocks blocks = IcyCapture.split(body, METAINT);
            List<String> titles = new ArrayList<>();
            for (String meta : blocks.fields()) {
                assertThat(meta).startsWith("StreamTitle='").endsWith("';");
                titles.add(meta.substring("StreamTitle='".length(), meta.length() - 2));
            }
            return new Icy(blocks.audio(), titles);
        }
    }
}
