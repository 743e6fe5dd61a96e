package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.http.HttpRouter;
import io.mp3cast.server.http.ServerState;
import io.mp3cast.server.metrics.Mp3CastMetrics;
import io.mp3cast.source.AudioSources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Health checks, {@code /metrics}'s protection, and the access log. */
class OperationsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Icecast's access-log line: host, user, [time], "request", status, bytes, "referer", "agent", seconds. */
    private static final Pattern LINE = Pattern.compile(
            "(\\S+) - (\\S+) \\[(\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})] \"([^\"]*)\" (\\d{3}) (\\d+) \"([^\"]*)\" \"([^\"]*)\" (\\d+)");

    private static Mp3CastServer.Builder toneServer() {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword("admin-pw")
                .mount(MountConfig.of("/stream.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone");
    }

    @Test
    void healthAndReadinessAnswerWithoutCredentialsAndReadinessTurnsOffWhileDraining() throws Exception {
        try (Mp3CastServer server = toneServer().pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64)).start()) {
            assertThat(get(server.port(), "/healthz")).isEqualTo("200 ok: 1 event loops answered\n");
            assertThat(get(server.port(), "/readyz")).isEqualTo("200 ready\n");
            Pusher producer = Pusher.chunked(server.port(), "/live.mp3?format=f32le&rate=24000");
            producer.write(Pusher.f32le(io.mp3cast.testing.Signals.toneMix(24000, 24000 * 3, 0.5, 440)));
            await("producer", () -> (int) server.mount("/live.mp3").pushFeed().orElseThrow().producersConnected(), 1, 10_000);
            try (Socket open = new Socket("127.0.0.1", server.port()); Socket other = new Socket("127.0.0.1", server.port())) {
                assertThat(exchange(open, "/readyz")).startsWith("HTTP/1.1 200 ");  // both accepted, kept alive
                assertThat(exchange(other, "/readyz")).startsWith("HTTP/1.1 200 ");
                CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(10)));
                // The producer's 3 s play out meanwhile. New connections are refused at once; on one
                // already open, readiness is off and health still answers.
                awaitRefused(server.port());
                assertThat(exchange(open, "/readyz")).startsWith("HTTP/1.1 503 ").endsWith("draining: the server is stopping\n");
                assertThat(exchange(other, "/healthz")).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
                assertThat(drained.get()).as("clean drain").isTrue();
                assertThat(producer.response().status()).isEqualTo(503);
            }
        }
    }

    @Test
    void metricsAreOpenToLoopbackAndNeedTheAdminPasswordFromElsewhere() throws Exception {
        try (Mp3CastServer server = toneServer().metrics(Mp3CastMetrics.prometheus()).start()) {
            assertThat(get(server.port(), "/metrics")).startsWith("200 ").contains("mp3cast_listeners{mount=\"/stream.mp3\"}");
            // An EmbeddedChannel's address is not loopback: it stands in for a client on another machine.
            assertThat(embedded(server, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 401 ");
            assertThat(embedded(server, "GET /metrics HTTP/1.1\r\nHost: x\r\n" + Pusher.basic("admin", "wrong") + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 401 ");
            assertThat(embedded(server, "GET /metrics HTTP/1.1\r\nHost: x\r\n" + Pusher.basic("admin", "admin-pw") + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ").contains("mp3cast_listeners");
            assertThat(embedded(server, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
        }
        try (Mp3CastServer server = toneServer().start()) {
            assertThat(get(server.port(), "/metrics")).startsWith("404 metrics are off");
        }
    }

    @Test
    void theAccessLogHasALinePerRequestAndPerListenerSessionWithItsBytesAndSeconds() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Mp3CastServer server = toneServer().accessLog(log).start()) {
            get(server.port(), "/status.json");
            get(server.port(), "/nowhere.mp3");
            long read;
            try (RawHttp listener = RawHttp.get(server.port(), "/stream.mp3", "User-Agent: VLC/3.0.20", "Referer: http://r.test/")) {
                read = listener.readExactly(4000).length;
                Thread.sleep(1100);
            }
            await("listener gone", server.mount("/stream.mp3")::listeners, 0, 10_000);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (log.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(3).allMatch(l -> LINE.matcher(l).matches(), "Icecast's format");
            Matcher status = matched(lines.get(0));
            assertThat(status.group(1)).isEqualTo("127.0.0.1");
            assertThat(status.group(4)).isEqualTo("GET /status.json HTTP/1.1");
            assertThat(status.group(5)).isEqualTo("200");
            assertThat(Long.parseLong(status.group(6))).isGreaterThan(50);
            assertThat(matched(lines.get(1)).group(5)).isEqualTo("404");
            Matcher session = matched(lines.get(2));
            assertThat(session.group(4)).isEqualTo("GET /stream.mp3 HTTP/1.1");
            assertThat(session.group(5)).isEqualTo("200");
            assertThat(Long.parseLong(session.group(6))).as("bytes sent in the session").isGreaterThanOrEqualTo(read)
                    .isLessThanOrEqualTo(server.mount("/stream.mp3").bytesSent());
            assertThat(session.group(7)).isEqualTo("http://r.test/");
            assertThat(session.group(8)).isEqualTo("VLC/3.0.20");
            assertThat(Long.parseLong(session.group(9))).as("seconds connected").isBetween(1L, 10L);
        }
    }

    private static Matcher matched(String line) {
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return m;
    }

    /** "STATUS body" of a GET to 127.0.0.1. */
    private static String get(int port, String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + res.body();
    }

    private static void awaitRefused(int port) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(10);
            } catch (ConnectException refused) {
                return;
            }
        }
        throw new AssertionError("still accepting connections 5 s into the drain");
    }

    /** A keep-alive GET on an open connection; the response head and body as text. */
    private static String exchange(Socket s, String path) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        String line;
        int length = 0;
        while (!(line = RawHttp.line(in)).isEmpty()) {
            head.append(line).append("\r\n");
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + "\r\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** One request through the server's pipeline on an embedded channel (not loopback); the response as text. */
    private static String embedded(Mp3CastServer server, String request) {
        EmbeddedChannel ch = server.embeddedChannel();
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (out.length() == 0 && System.nanoTime() < deadline) {
            ch.runPendingTasks();  // a health check answers from the server's loops, through this channel's
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
            Thread.onSpinWait();
        }
        ch.finishAndReleaseAll();
        return out.toString();
    }
}
