package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed user's program: examples/python/producer.py, run by Debian's python3 with python3-numpy. */
class PythonProducerTest {
    private static final String PYTHON = "/usr/bin/python3";

    static Path producerScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("examples/python/producer.py");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new AssertionError("examples/python/producer.py not found above " + Path.of("").toAbsolutePath());
    }

    static void requireNumpy() throws Exception {
        Tools.require(PYTHON, "python3");
        if (Tools.run(List.of(PYTHON, "-c", "import numpy")).exitCode() != 0) {
            Tools.require("/nonexistent/python3-numpy", "python3-numpy");
        }
    }

    @Test
    void thePythonExamplePushesFiveSecondsOfItsMockSynthesizerAndAListenerDecodesAboutFiveSeconds() throws Exception {
        requireNumpy();
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock).start()) {
            Tools.Run run = Tools.run(List.of(PYTHON, producerScript().toString(),
                    "http://127.0.0.1:" + server.port() + "/live.mp3", "--seconds", "5"));
            assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).contains("200 pushed 5.000 s of PCM 24000 Hz mono FLOAT32_LE to /live.mp3");

            Mount mount = server.mount("/live.mp3");
            try (RawHttp listener = RawHttp.get(server.port(), "/live.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(7000);
                mount.stop();
                Decoded decoded = Mp3Decoding.decode(listener.readAll());
                assertThat(decoded.sampleRateHz()).isEqualTo(24000);
                float[] pcm = decoded.channel(0);
                int loudTenths = 0;
                for (int at = 0; at + 2400 <= pcm.length; at += 2400) {
                    loudTenths += AudioMath.rms(pcm, at, 2400) > 0.1 ? 1 : 0;
                }
                assertThat(loudTenths / 10.0).as("seconds of the synthesizer's noise heard").isBetween(4.9, 5.1);
                assertThat(decoded.seconds()).isBetween(6.9, 7.1);
            }
        }
    }
}
