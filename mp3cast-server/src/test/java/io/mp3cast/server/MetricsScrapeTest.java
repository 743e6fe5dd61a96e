package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.server.metrics.Mp3CastMetrics;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * One scrape of {@code /metrics} while 100 listeners, 2 producers and 10 per-request streams run,
 * parsed whole by {@link PrometheusText}; every metric the README documents is checked against
 * what the test did ({@link #DOCUMENTED}). Then the listeners leave and a second scrape shows it.
 */
class MetricsScrapeTest {
    private static final int LISTENERS = 100;
    private static final int STREAMS = 10;
    private static final int PUSH_SECONDS = 8;
    private static final String SOURCE_PASSWORD = "src-pw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aScrapeUnderLoadShowsWhatTheListenersProducersAndStreamsDidAndTheListenersLeavingAfterwards() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword("admin-pw")
                .ingest(IngestSettings.DEFAULT.withSourcePassword(SOURCE_PASSWORD))
                .mount(MountConfig.of("/radio.mp3").withHls(HlsSettings.DEFAULT.withPartMillis(500)), AudioSources.tone(24000, 440),
                        EncoderSettings.cbr(64), "tone 440 Hz")
                .pushMount(MountConfig.of("/live1.mp3"), EncoderSettings.cbr(64))
                .pushMount(MountConfig.of("/live2.mp3"), EncoderSettings.cbr(64))
                .route("/broken.mp3", EncoderSettings.cbr(64), req -> new Broken())
                .demoRoutes().maxOpenStreams(STREAMS)
                .metrics(Mp3CastMetrics.prometheus()).start()) {
            int port = server.port();
            List<RawHttp> listeners = new ArrayList<>();
            List<RawHttp> streams = new ArrayList<>();
            List<Pusher> producers = new ArrayList<>();
            try {
                for (int i = 0; i < LISTENERS; i++) {
                    listeners.add(RawHttp.get(port, "/radio.mp3"));
                }
                await("listeners", server.mount("/radio.mp3")::listeners, LISTENERS, 10_000);
                for (RawHttp l : listeners) {
                    l.readExactly(1000);
                }
                try (RawHttp broken = RawHttp.get(port, "/broken.mp3")) {
                    assertThat(broken.status).isEqualTo(200);
                    assertThat(broken.serverClosed()).isTrue();
                }
                await("streams open after the broken one", server::openStreams, 0, 10_000);
                for (int i = 0; i < STREAMS; i++) {
                    streams.add(RawHttp.get(port, "/tone.mp3?pace=realtime&seconds=60"));
                }
                for (RawHttp s : streams) {
                    s.readExactly(100);
                }
                try (RawHttp refused = RawHttp.get(port, "/tone.mp3?seconds=1")) {
                    assertThat(refused.status).isEqualTo(503);
                }
                assertThat(push(port, "/live1.mp3?format=f32le&rate=24000", "wrong").statusCode()).isEqualTo(401);
                assertThat(push(port, "/live1.mp3?format=f99", SOURCE_PASSWORD).statusCode()).isEqualTo(400);
                byte[] pcm = Pusher.f32le(sine(24000 * PUSH_SECONDS));
                for (String mount : List.of("/live1.mp3", "/live2.mp3")) {
                    Pusher p = Pusher.chunked(port, mount + "?format=f32le&rate=24000&channels=1",
                            Pusher.basic("source", SOURCE_PASSWORD));
                    p.writeInPieces(pcm, 8192);
                    producers.add(p);
                }
                assertThat(push(port, "/live1.mp3?format=f32le&rate=24000", SOURCE_PASSWORD).statusCode()).isEqualTo(403);
                int playlists = fetchOneHlsPart(port);
                PrometheusText scrape = awaitScrape(port, t ->
                        assertThat(t.sum("mp3cast_producer_received_bytes_total")).isEqualTo(2.0 * pcm.length));
                long sentAfter = server.mount("/radio.mp3").bytesSent();

                SoftAssertions soft = new SoftAssertions();
                checkUnderLoad(soft, scrape, pcm.length, sentAfter, playlists);
                soft.assertThat(checked).as("every documented metric checked").containsAll(DOCUMENTED);
                soft.assertThat(readmeMetrics()).as("README's metrics table").containsExactlyInAnyOrderElementsOf(DOCUMENTED);
                soft.assertAll();
            } finally {
                for (RawHttp l : listeners) {
                    l.close();
                }
                for (RawHttp s : streams) {
                    s.close();
                }
                for (Pusher p : producers) {
                    p.close();
                }
            }
            await("listeners after they left", server.mount("/radio.mp3")::listeners, 0, 10_000);
            PrometheusText after = scrape(port);
            assertThat(after.value("mp3cast_listeners", "mount", "/radio.mp3")).isZero();
            assertThat(after.value("mp3cast_listener_disconnects_total", "mount", "/radio.mp3", "reason", "client"))
                    .isEqualTo(LISTENERS);
            assertThat(after.value("mp3cast_listener_disconnects_total", "mount", "/radio.mp3", "reason", "slow")).isZero();
        }
    }

    /** The metrics the README's table documents, each checked below. */
    static final List<String> DOCUMENTED = List.of(
            "mp3cast_listeners", "mp3cast_listener_connects_total", "mp3cast_listener_disconnects_total",
            "mp3cast_listener_sent_bytes_total", "mp3cast_hls_served_total", "mp3cast_playout_state", "mp3cast_producer_connects_total",
            "mp3cast_producer_received_bytes_total", "mp3cast_producer_audio_seconds_total", "mp3cast_playout_buffer_seconds",
            "mp3cast_streams_open", "mp3cast_streams_started_total", "mp3cast_streams_refused_total",
            "mp3cast_streams_failed_total", "mp3cast_stream_first_byte_seconds", "mp3cast_ingest_refused_total",
            "mp3cast_http_errors_total", "mp3cast_event_loop_lag_seconds", "mp3cast_encoder_cpu_seconds_total",
            "jvm_*", "process_*");
    private final List<String> checked = new ArrayList<>();

    private void checkUnderLoad(SoftAssertions soft, PrometheusText t, int pcmBytes, long sentAfter, int playlists) {
        String radio = "/radio.mp3";
        check("mp3cast_hls_served_total", soft, t.value("mp3cast_hls_served_total", "mount", radio, "kind", "playlist"))
                .isEqualTo(playlists);
        soft.assertThat(t.value("mp3cast_hls_served_total", "mount", radio, "kind", "part")).isEqualTo(1);
        soft.assertThat(t.value("mp3cast_hls_served_total", "mount", radio, "kind", "segment")).isZero();
        soft.assertThat(t.type("mp3cast_hls_served_total")).hasValue("counter");
        check("mp3cast_listeners", soft, t.value("mp3cast_listeners", "mount", radio)).isEqualTo(LISTENERS);
        soft.assertThat(t.type("mp3cast_listeners")).hasValue("gauge");
        check("mp3cast_listener_connects_total", soft, t.value("mp3cast_listener_connects_total", "mount", radio))
                .isEqualTo(LISTENERS);
        soft.assertThat(t.type("mp3cast_listener_connects_total")).hasValue("counter");
        check("mp3cast_listener_disconnects_total", soft, t.sum("mp3cast_listener_disconnects_total", "mount", radio)).isZero();
        soft.assertThat(t.find("mp3cast_listener_disconnects_total", "mount", radio)).extracting(s -> s.labels().get("reason"))
                .containsExactlyInAnyOrder("client", "slow", "stop");
        check("mp3cast_listener_sent_bytes_total", soft, t.value("mp3cast_listener_sent_bytes_total", "mount", radio))
                .isBetween(LISTENERS * 1000.0, (double) sentAfter);
        for (String mount : List.of(radio, "/live1.mp3", "/live2.mp3")) {
            check("mp3cast_playout_state", soft, t.value("mp3cast_playout_state", "mount", mount, "state", "live"))
                    .as(mount).isEqualTo(1);
            soft.assertThat(t.sum("mp3cast_playout_state", "mount", mount)).as(mount + ": one state").isEqualTo(1);
            soft.assertThat(t.find("mp3cast_playout_state", "mount", mount)).hasSize(6);
        }
        for (String mount : List.of("/live1.mp3", "/live2.mp3")) {
            check("mp3cast_producer_connects_total", soft, t.value("mp3cast_producer_connects_total", "mount", mount))
                    .as(mount).isEqualTo(1);
            check("mp3cast_producer_received_bytes_total", soft, t.value("mp3cast_producer_received_bytes_total", "mount", mount))
                    .as(mount).isEqualTo(pcmBytes);
            check("mp3cast_producer_audio_seconds_total", soft, t.value("mp3cast_producer_audio_seconds_total", "mount", mount))
                    .as(mount).isCloseTo(PUSH_SECONDS, org.assertj.core.data.Offset.offset(1e-9));
            check("mp3cast_playout_buffer_seconds", soft, t.value("mp3cast_playout_buffer_seconds", "mount", mount))
                    .as(mount + ": pushed 8 s ahead, some played").isBetween(1.0, (double) PUSH_SECONDS);
        }
        soft.assertThat(t.value("mp3cast_producer_received_bytes_total", "mount", radio)).isZero();
        String tone = "/tone.mp3";
        check("mp3cast_streams_open", soft, t.value("mp3cast_streams_open", "route", tone)).isEqualTo(STREAMS);
        check("mp3cast_streams_started_total", soft, t.value("mp3cast_streams_started_total", "route", tone)).isEqualTo(STREAMS);
        check("mp3cast_streams_refused_total", soft, t.value("mp3cast_streams_refused_total", "route", tone)).isEqualTo(1);
        check("mp3cast_streams_failed_total", soft, t.value("mp3cast_streams_failed_total", "route", "/broken.mp3"))
                .isEqualTo(1);
        soft.assertThat(t.value("mp3cast_streams_failed_total", "route", tone)).isZero();
        soft.assertThat(t.value("mp3cast_streams_open", "route", "/noise.mp3")).as("routes appear before use").isZero();
        check("mp3cast_stream_first_byte_seconds", soft, t.value("mp3cast_stream_first_byte_seconds_count", "route", tone))
                .isEqualTo(STREAMS);
        soft.assertThat(t.value("mp3cast_stream_first_byte_seconds_bucket", "route", tone, "le", "+Inf")).isEqualTo(STREAMS);
        soft.assertThat(t.value("mp3cast_stream_first_byte_seconds_sum", "route", tone)).isBetween(0.0, STREAMS * 5.0);
        soft.assertThat(t.type("mp3cast_stream_first_byte_seconds")).hasValue("histogram");
        check("mp3cast_ingest_refused_total", soft, t.value("mp3cast_ingest_refused_total", "status", "401")).isEqualTo(1);
        soft.assertThat(t.value("mp3cast_ingest_refused_total", "status", "403")).isEqualTo(1);
        soft.assertThat(t.value("mp3cast_ingest_refused_total", "status", "400")).isEqualTo(1);
        check("mp3cast_http_errors_total", soft, t.value("mp3cast_http_errors_total", "status", "503")).isEqualTo(1);
        check("mp3cast_event_loop_lag_seconds", soft, t.value("mp3cast_event_loop_lag_seconds")).isBetween(0.0, 5.0);
        check("mp3cast_encoder_cpu_seconds_total", soft, t.value("mp3cast_encoder_cpu_seconds_total")).isGreaterThan(0.0);
        check("jvm_*", soft, t.sum("jvm_memory_used_bytes")).isGreaterThan(1e6);
        soft.assertThat(t.value("jvm_threads_live_threads")).isGreaterThan(LISTENERS > 0 ? 5 : 0);
        check("process_*", soft, t.value("process_uptime_seconds")).isGreaterThan(0.0);
        soft.assertThat(t.value("process_files_open_files")).isGreaterThan(LISTENERS + STREAMS);
        soft.assertThat(t.names()).filteredOn(n -> n.startsWith("mp3cast_"))
                .allSatisfy(n -> assertThat(DOCUMENTED.stream().anyMatch(d -> n.startsWith(d))).as(n + " documented").isTrue());
    }

    /** The first column of the table under README's "### Metrics". */
    static List<String> readmeMetrics() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("README.md above " + Path.of("").toAbsolutePath()).isNotNull();
        String readme = Files.readString(dir.resolve("README.md"));
        String section = readme.substring(readme.indexOf("### Metrics"));
        section = section.substring(0, section.indexOf("\n### ", 1));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_*]+)` \\|").matcher(section);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Reads the radio's playlist until it lists a low-latency part (a few at most), then that part; returns the playlists read. */
    private static int fetchOneHlsPart(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI playlistUri = URI.create("http://127.0.0.1:" + port + "/radio.m3u8");
        for (int read = 1; read <= 50; read++) {
            HlsPlaylist playlist = HlsPlaylist.parse(http.send(HttpRequest.newBuilder(playlistUri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!playlist.parts().isEmpty()) {
                HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(playlistUri.resolve(playlist.parts().get(0).uri()))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(part.statusCode()).isEqualTo(200);
                return read;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no part in /radio.m3u8 after 50 reads");
    }

    private org.assertj.core.api.AbstractDoubleAssert<?> check(String metric, SoftAssertions soft, double value) {
        checked.add(metric);
        return soft.assertThat(value).as(metric);
    }

    private static HttpResponse<String> push(int port, String target, String password) throws Exception {
        return Put.send(HTTP, port, target, new byte[9600], "Authorization", Put.basic("source", password));
    }

    static PrometheusText scrape(int port) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(res.body());
    }

    /** Scrapes until {@code ready} passes (at most 10 s), and returns that scrape. */
    private static PrometheusText awaitScrape(int port, Consumer<PrometheusText> ready) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            PrometheusText t = scrape(port);
            try {
                ready.accept(t);
                return t;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static float[] sine(int samples) {
        float[] s = new float[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (float) (0.5 * Math.sin(2 * Math.PI * 330 * i / 24000.0));
        }
        return s;
    }

    /** A source that gives one read of audio, then fails. */
    private static final class Broken implements AudioSource {
        private int reads;

        @Override
        public PcmFormat format() {
            return PcmFormat.floatMono(24000);
        }

        @Override
        public int read(float[] buffer, int offset, int length) throws IOException {
            if (reads++ > 2) {
                throw new IOException("synthesizer crashed");
            }
            return Math.min(length, 4800);
        }
    }
}
