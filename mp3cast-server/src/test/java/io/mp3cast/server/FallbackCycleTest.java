package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Signals;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Issue 14, item 5: fallback chains that loop are refused, naming the cycle. */
class FallbackCycleTest {

    @Test
    void twoConfiguredPushMountsFallingBackToEachOtherAreRefusedAtStartNamingTheCycle() {
        Mp3CastServer.Builder b = PcmPushTest.pushServer(Scheduler.manual())
                .pushMount(MountConfig.of("/a.mp3"), EncoderSettings.cbr(64), "/b.mp3")
                .pushMount(MountConfig.of("/b.mp3"), EncoderSettings.cbr(64), "/a.mp3");
        assertThatThrownBy(b::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fallback cycle: /a.mp3 -> /b.mp3 -> /a.mp3");
    }

    @Test
    void aCycleThroughTheGlobalFallbackIsRefusedAtStart() {
        Mp3CastServer.Builder b = PcmPushTest.pushServer(Scheduler.manual())
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/c.mp3"))
                .pushMount(MountConfig.of("/a.mp3"), EncoderSettings.cbr(64))
                .pushMount(MountConfig.of("/c.mp3"), EncoderSettings.cbr(64), "/a.mp3");
        assertThatThrownBy(b::start).hasMessageContaining("/a.mp3 -> /c.mp3 -> /a.mp3");
    }

    @Test
    void aMountThatFallsBackToItselfIsNoCycleItPlaysSilence() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual())
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/a.mp3"))
                .pushMount(MountConfig.of("/a.mp3"), EncoderSettings.cbr(64)).start()) {
            assertThat(server.mounts()).hasSize(1);
        }
    }

    @Test
    void aSourceWhoseNewMountWouldCloseACycleGets409NamingItAndNoMountIsCreated() throws Exception {
        try (Mp3CastServer server = PcmPushTest.pushServer(Scheduler.manual())
                .ingest(IngestSettings.DEFAULT.withFallbackMount("/b.mp3"))
                .pushMount(MountConfig.of("/b.mp3"), EncoderSettings.cbr(64), "/a.mp3").start()) {
            byte[] oneSecond = Pusher.f32le(Signals.toneMix(24000, 24000, 0.5, 440));
            HttpResponse<String> res = Put.send(HttpClient.newHttpClient(), server.port(), "/a.mp3?format=f32le&rate=24000",
                    oneSecond);
            assertThat(res.statusCode()).isEqualTo(409);
            assertThat(res.body()).contains("fallback cycle: /a.mp3 -> /b.mp3 -> /a.mp3");
            assertThat(server.mounts()).extracting(Mount::path).containsExactly("/b.mp3");
            assertThat(Put.send(HttpClient.newHttpClient(), server.port(), "/c.mp3?format=f32le&rate=24000", oneSecond)
                    .statusCode()).as("a mount that closes no cycle").isEqualTo(200);
        }
    }
}
