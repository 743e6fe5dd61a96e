package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import io.mp3cast.time.Scheduler;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;

class IdleMountTest {
    private static final String F32 = "?format=f32le&rate=24000&channels=1";

    static Mp3CastServer.Builder server(Scheduler clock, long idleMillis) {
        // A queue longer than any test's virtual time: a listener that does not read is not dropped.
        return Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .mountDefaults(MountConfig.of("/any.mp3").withQueueMillis(120_000))
                .ingest(IngestSettings.DEFAULT.withIdleMountMillis(idleMillis).withMaxMounts(3))
                .mount(MountConfig.of("/radio.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                .pushMount(MountConfig.of("/configured.mp3"), EncoderSettings.cbr(64));
    }

    @Test
    void aMountAProducerCreatedGoesAwayAfterTheIdleTimeWithNoProducerAndNoListenerWhileConfiguredOnesStay()
            throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = server(clock, 5000).start()) {
            HttpClient http = HttpClient.newHttpClient();
            byte[] pcm = Pusher.f32le(new float[2400]);
            assertThat(Put.send(http, server.port(), "/made.mp3" + F32, pcm).statusCode()).isEqualTo(200);
            assertThat(Put.send(http, server.port(), "/configured.mp3" + F32, pcm).statusCode()).isEqualTo(200);
            assertThat(StatusTest.get(server.port(), "/status.json")).contains("\"mount\":\"/made.mp3\"");

            clock.advanceMillis(4900);
            assertThat(StatusTest.get(server.port(), "/status.json")).contains("\"mount\":\"/made.mp3\"");
            clock.advanceMillis(200);
            String status = StatusTest.get(server.port(), "/status.json");
            assertThat(status).doesNotContain("/made.mp3").contains("\"mount\":\"/configured.mp3\"",
                    "\"mount\":\"/radio.mp3\"");
            clock.advanceMillis(600_000);
            assertThat(server.mounts()).extracting(Mount::path).containsExactly("/radio.mp3", "/configured.mp3");
        }
    }

    @Test
    void aListenerKeepsACreatedMountAndTheIdleTimeCountsFromWhenTheLastOneLeft() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = server(clock, 5000).start()) {
            HttpClient http = HttpClient.newHttpClient();
            assertThat(Put.send(http, server.port(), "/made.mp3" + F32, Pusher.f32le(new float[2400])).statusCode())
                    .isEqualTo(200);
            Mount made = server.mount("/made.mp3");
            try (RawHttp listener = RawHttp.get(server.port(), "/made.mp3")) {
                assertThat(listener.status).isEqualTo(200);
                awaitTrue("listener counted", () -> made.listeners() == 1);
                clock.advanceMillis(60_000);
                assertThat(server.mounts()).extracting(Mount::path).contains("/made.mp3");
            }
            awaitTrue("listener gone", () -> made.listeners() == 0);
            clock.advanceMillis(4900);
            assertThat(server.mounts()).extracting(Mount::path).contains("/made.mp3");
            clock.advanceMillis(200);
            assertThat(server.mounts()).extracting(Mount::path).doesNotContain("/made.mp3");
        }
    }

    @Test
    void removedMountsFreeTheirPlaceUnderTheMountLimit() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = server(clock, 1000).start()) {
            HttpClient http = HttpClient.newHttpClient();
            byte[] pcm = Pusher.f32le(new float[2400]);
            assertThat(Put.send(http, server.port(), "/one.mp3" + F32, pcm).statusCode()).isEqualTo(200);
            assertThat(Put.send(http, server.port(), "/two.mp3" + F32, pcm).statusCode()).isEqualTo(403);
            clock.advanceMillis(1100);
            assertThat(Put.send(http, server.port(), "/two.mp3" + F32, pcm).statusCode()).isEqualTo(200);
        }
    }
}
