package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.server.SelfSignedCert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mp3cast serve} on the newest JDK installed under {@code /usr/lib/jvm} (a Temurin 25
 * beside the default 17 here), with TLS so that every native library loads (libmp3lame through JNA,
 * Netty's epoll and tcnative): it serves, stops cleanly on SIGTERM, and prints no {@code WARNING:}
 * line (JDK 22+ warns about native access unless the jar's manifest declares it).
 */
class NewestJdkIT {
    @TempDir
    Path dir;

    @Test
    void serveOnTheNewestJdkPrintsNoWarningAndStopsCleanly() throws Exception {
        Path jdk = newestJdk().orElseThrow(() -> new AssertionError("no JDK under /usr/lib/jvm"));
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (ServeProcess serve = ServeProcess.start(dir, jdk.toString(), "--host", "127.0.0.1", "--port", "0",
                "--tls-cert", cert.cert.toString(), "--tls-key", cert.key.toString(), "--drain-ms", "3000")) {
            HttpResponse<String> health = HttpClient.newBuilder().sslContext(cert.clientContext()).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + serve.port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            serve.terminate();
            assertThat(serve.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String stderr = serve.stderrText();
            assertThat(serve.process.exitValue()).as(stderr).isZero();
            assertThat(stderr).as("on " + jdk).contains("TLS by", "drained cleanly");
            assertThat(stderr.lines().filter(l -> l.startsWith("WARNING:")).toList()).as("on " + jdk + ":\n" + stderr).isEmpty();
            System.out.println("NewestJdkIT ran on " + jdk + " (Java " + major(jdk) + ")");
        }
    }

    /** The JDK with the highest feature version under /usr/lib/jvm (by its {@code release} file). */
    static Optional<Path> newestJdk() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.exists(d.resolve("release")))
                    .max(Comparator.comparingInt(NewestJdkIT::major));
        }
    }

    static int major(Path jdk) {
        try (var in = Files.newBufferedReader(jdk.resolve("release"))) {
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
            return Integer.parseInt(v.split("[.+-]")[0]);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

}
