package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.time.Scheduler;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14, item 6: a title cannot inject ICY fields, is cut only at a character boundary, and a too long one gets 400. */
class IcyTitleSafetyTest {
    private static final String INJECTION = "';StreamUrl='http://evil.example/';StreamTitle='x";

    @Test
    void aTitleThatTriesToAddAStreamUrlReachesPlayersAsOneStreamTitleField() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withIcyMetaIntervalBytes(IcyMetadataTest.METAINT);
        try (Mp3CastServer server = toneServer(clock, config).adminPassword("secret").start()) {
            Mount mount = server.mount("/stream.mp3");
            clock.advanceMillis(1000);
            try (RawHttp icy = RawHttp.get(server.port(), "/stream.mp3", "Icy-MetaData: 1")) {
                await("listeners", mount::listeners, 1, 10_000);
                HttpResponse<String> res = IcyMetadataTest.admin(server.port(), "admin:secret", "mount=/stream.mp3&mode=updinfo&song="
                        + URLEncoder.encode("Don't Stop; " + INJECTION, StandardCharsets.UTF_8));
                assertThat(res.statusCode()).isEqualTo(200);
                clock.advanceMillis(3000);
                mount.stop();
                List<String> titles = IcyMetadataTest.Icy.parse(icy.readAll()).titles;
                assertThat(titles).isNotEmpty();
                String sent = titles.get(titles.size() - 1);
                assertThat(sent).doesNotContain("'").doesNotContain(";").contains("Don\u2019t Stop, ")
                        .contains("StreamUrl=\u2019http://evil.example/\u2019");
                // Neither a player that reads up to "';" nor one that splits at ';' finds a second field.
                String block = "StreamTitle='" + sent + "';";
                assertThat(block.indexOf("';")).isEqualTo(block.length() - 2);
                assertThat(block.split(";")).hasSize(1);
            }
            assertThat(mount.title()).as("status pages show the title as given").startsWith("Don't Stop; ';StreamUrl");
        }
    }

    @Test
    void aTitleOfAThousandFourByteCharactersFitsOneBlockAndOneMoreGets400() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withIcyMetaIntervalBytes(IcyMetadataTest.METAINT);
        try (Mp3CastServer server = toneServer(clock, config).adminPassword("secret").start()) {
            Mount mount = server.mount("/stream.mp3");
            String thousand = "\uD83C\uDFB5".repeat(1000);  // U+1F3B5, 4 bytes in UTF-8 each
            clock.advanceMillis(1000);
            try (RawHttp icy = RawHttp.get(server.port(), "/stream.mp3", "Icy-MetaData: 1")) {
                await("listeners", mount::listeners, 1, 10_000);
                mount.setTitle(thousand);
                clock.advanceMillis(3000);
                mount.stop();
                List<String> titles = IcyMetadataTest.Icy.parse(icy.readAll()).titles;
                assertThat(titles).contains(thousand);
            }
            HttpResponse<String> tooLong = IcyMetadataTest.admin(server.port(), "admin:secret",
                    "mount=/stream.mp3&mode=updinfo&song=" + "a".repeat(1001));
            assertThat(tooLong.statusCode()).isEqualTo(400);
            assertThat(tooLong.body()).contains("title: too long: 1001 characters (at most 1000)");
            assertThatThrownBy(() -> mount.setTitle("a".repeat(1001))).isInstanceOf(IllegalArgumentException.class);
            assertThat(mount.title()).isEqualTo(thousand);
        }
    }
}
