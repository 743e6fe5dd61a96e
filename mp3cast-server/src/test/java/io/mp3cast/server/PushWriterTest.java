package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.live.push.PlayoutState;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PushWriterTest {
    private static final int RATE = 24000;

    @Test
    void writesBlockWhileTheBufferIsFullAndGoOnAsItPlaysOut() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .ingest(IngestSettings.DEFAULT.withBufferMillis(1000)).start()) {
            float[] tenth = Signals.toneMix(RATE, RATE / 10, 0.5, 440);
            AtomicInteger written = new AtomicInteger();
            PushWriter w = server.push("/live.mp3", PcmFormat.floatMono(RATE));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (w) {
                    for (int i = 0; i < 30; i++) {
                        w.write(tenth, 0, tenth.length);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // The tenth write fills the 1000 ms buffer and blocks until it has played down.
            awaitTrue("writer blocked on a full buffer", () -> written.get() >= 9
                    && server.mount("/live.mp3").bufferedMillis() >= 1000);
            assertThat(writer).isNotDone();
            assertThat(written).hasValue(9);
            for (int s = 0; s < 40 && !writer.isDone(); s++) {
                clock.advanceMillis(100);
                Thread.sleep(2);  // lets the writer thread take its turn; nothing asserted on timing
            }
            writer.get(20, TimeUnit.SECONDS);
            assertThat(written).hasValue(30);
            clock.advanceMillis(2000);
            Mount mount = server.mount("/live.mp3");
            assertThat(mount.playoutState()).contains(PlayoutState.SILENCE);
            assertThat(mount.audioMicros()).isGreaterThanOrEqualTo(3_000_000);
        }
    }

    @Test
    void whatAWriterPushesIsHeardOnTheMount() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).start()) {
            float[] tone = Signals.toneMix(RATE, RATE, 0.5, 660);
            byte[] mp3;
            try (PushWriter w = server.push("/say.mp3", PcmFormat.floatMono(RATE));
                 RawHttp listener = RawHttp.get(server.port(), "/say.mp3")) {
                w.write(tone, 0, tone.length);
                w.close();
                clock.advanceMillis(1500);
                server.mount("/say.mp3").stop();
                mp3 = listener.readAll();
            }
            float[] heard = Mp3Decoding.decode(mp3).channel(0);
            assertThat(AudioMath.dominantFrequencyHz(heard, 4800, 9600, RATE, 300, 1000)).isEqualTo(660.0);
        }
    }

    @Test
    void aWriterIsRefusedOnAGeneratedMountAndFailsOnceItNoLongerFeedsTheMount() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .ingest(IngestSettings.DEFAULT.withTakeover(true))
                .mount(MountConfig.of("/tone.mp3"), AudioSources.tone(RATE, 440), EncoderSettings.cbr(64)).start()) {
            assertThatThrownBy(() -> server.push("/tone.mp3", PcmFormat.floatMono(RATE)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a push mount");
            PushWriter first = server.push("/live.mp3", PcmFormat.floatMono(RATE));
            try (PushWriter second = server.push("/live.mp3", PcmFormat.floatMono(RATE))) {
                assertThatThrownBy(() -> first.write(new float[480], 0, 480)).isInstanceOf(IOException.class)
                        .hasMessageContaining("took over");
                second.write(new float[480], 0, 480);
            }
        }
    }
}
