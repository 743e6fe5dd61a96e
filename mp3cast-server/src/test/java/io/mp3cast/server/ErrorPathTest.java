package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.time.Scheduler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 14, item 7: every request gets an answer, logged once in one line with its id, rate-limited. */
class ErrorPathTest {

    private static Mp3CastServer start() throws Exception {
        return toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3"))
                .route("/broken.mp3", EncoderSettings.cbr(64), req -> {
                    throw new IllegalStateException("secret detail: connection string jdbc:db://u:pw@host");
                }).start();
    }

    @Test
    void aBadPercentEscapeInThePathGets400AndTheConnectionCloses() throws Exception {
        try (Mp3CastServer server = start();
             Crowd one = Crowd.connect(server.port(), 1, null, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(one.awaitAllClosed(10_000)).isZero();
            assertThat(one.members().get(0).received()).startsWith("HTTP/1.1 400 Bad Request")
                    .contains("X-Request-Id: ").contains("path: bad percent-escape");
        }
    }

    @Test
    void anAbsurdContentLengthGets400AndTheConnectionCloses() throws Exception {
        try (Mp3CastServer server = start();
             Crowd one = Crowd.connect(server.port(), 1, null,
                     "GET /status.json HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n")) {
            assertThat(one.awaitAllClosed(10_000)).isZero();
            assertThat(one.members().get(0).received()).startsWith("HTTP/1.1 400 Bad Request").contains("X-Request-Id: ");
        }
    }

    @Test
    void anUnexpectedExceptionGets500WithARequestIdAndNeverItsTextWhichIsLoggedOnceInOneLine() throws Exception {
        try (Mp3CastServer server = start(); LogCapture log = LogCapture.start();
             RawHttp r = RawHttp.get(server.port(), "/broken.mp3")) {
            assertThat(r.status).isEqualTo(500);
            String body = new String(r.readAll());
            assertThat(body).doesNotContain("secret").doesNotContain("IllegalStateException");
            Matcher id = Pattern.compile("internal error \\(request id ([0-9a-f]+-[0-9a-f]+)\\)").matcher(body);
            assertThat(id.find()).as(body).isTrue();
            assertThat(r.headers).containsEntry("x-request-id", id.group(1));
            assertThat(r.serverClosed()).isTrue();
            String lines = log.text();
            assertThat(lines.lines().filter(l -> l.contains("[" + id.group(1) + "]")))
                    .singleElement().asString().contains("GET /broken.mp3", "500", "IllegalStateException: secret detail");
            assertThat(lines).doesNotContain("\tat ");
        }
    }

    @Test
    void twoThousandMalformedRequestsAllGet400AndCostAFewKilobytesOfLog() throws Exception {
        try (Mp3CastServer server = start(); LogCapture log = LogCapture.start()) {
            int answered = 0;
            for (int batch = 0; batch < 10; batch++) {
                try (Crowd crowd = Crowd.connect(server.port(), 200, null, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")) {
                    assertThat(crowd.awaitAllClosed(20_000)).isZero();
                    for (Crowd.Member m : crowd.members()) {
                        answered += m.received().startsWith("HTTP/1.1 400 ") ? 1 : 0;
                    }
                }
            }
            assertThat(answered).isEqualTo(2000);
            assertThat(log.bytes()).as("log bytes for 2,000 bad requests (a stack trace each was 4.6 MB)")
                    .isLessThan(100_000);
            assertThat(log.text()).contains("not logged in the last").doesNotContain("\tat ");
        }
    }
}
