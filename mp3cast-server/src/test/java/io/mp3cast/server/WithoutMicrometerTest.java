package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional for embedders: a JVM whose classpath has no Micrometer (nor Prometheus,
 * nor their HdrHistogram and LatencyUtils) runs a server whose mount plays; {@code /metrics} says
 * metrics are off and health still answers.
 */
class WithoutMicrometerTest {

    @Test
    void aServerWithoutMicrometerOnItsClasspathPlaysItsMount() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.matches(".*(micrometer|prometheus|HdrHistogram|LatencyUtils).*"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain("micrometer");
        Tools.Run run = Tools.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Main.class.getName()));
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(run.stdout()).contains("frames 20", "metrics 404", "healthz 200");
    }

    /** Runs in the child JVM: a tone mount, one listener, /metrics and /healthz. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                    .mount(MountConfig.of("/stream.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                    .start();
                 RawHttp listener = RawHttp.get(server.port(), "/stream.mp3")) {
                byte[] audio = listener.readExactly(20 * 192);  // 20 frames of 64 kbps at 24 kHz
                System.out.println("frames " + Mp3Bytes.frames(audio));
                HttpClient http = HttpClient.newHttpClient();
                for (String path : List.of("/metrics", "/healthz")) {
                    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                    System.out.println(path.substring(1) + " " + res.statusCode());
                }
            }
        }
    }
}
