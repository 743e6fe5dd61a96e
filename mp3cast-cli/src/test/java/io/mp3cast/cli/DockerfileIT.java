package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.server.MiniJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/docker/Dockerfile}, checked as far as this machine allows: Docker's client is
 * here but no engine runs, so {@code docker build} is impossible. What the image would do is run
 * here instead: the files its runtime stage copies exist after the build stage's Maven command, its
 * {@code ENTRYPOINT} + {@code CMD} (paths mapped from {@code /opt/mp3cast} to the build's output,
 * port 8000 to a free one) serves, its {@code HEALTHCHECK} command passes against that server, and
 * SIGTERM ({@code STOPSIGNAL}) ends it with 0 well inside Docker's 10 s stop timeout.
 */
class DockerfileIT {
    private static final Pattern COPY = Pattern.compile("(?m)^COPY --from=build (\\S+) (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void theImagesCommandServesItsHealthCheckPassesAndSigtermStopsItCleanly() throws Exception {
        Path root = ServeProcess.launcher().getParent();
        String dockerfile = Files.readString(root.resolve("examples/docker/Dockerfile"));
        Path target = root.resolve("mp3cast-cli/target");
        Matcher copy = COPY.matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            Path built = root.resolve(copy.group(1).replaceFirst("^/src/", ""));
            assertThat(built).as("the runtime stage copies " + copy.group(1)).exists();
            copies++;
        }
        assertThat(copies).isEqualTo(2);

        List<String> command = new ArrayList<>();
        command.addAll(jsonArray(dockerfile, "ENTRYPOINT"));
        command.addAll(jsonArray(dockerfile, "CMD"));
        assertThat(command.subList(0, 3)).containsExactly("java", "-jar", "/opt/mp3cast/mp3cast-cli.jar");
        assertThat(command.get(3)).isEqualTo("serve");
        List<String> args = new ArrayList<>();
        for (String a : command.subList(4, command.size())) {
            args.add(a.equals("8000") ? "0" : a.equals("0.0.0.0") ? "127.0.0.1" : a);  // free port, loopback only
        }
        assertThat(target.resolve("mp3cast-cli.jar")).exists();
        try (ServeProcess serve = ServeProcess.start(dir, null, args.toArray(new String[0]))) {
            String health = healthCheck(dockerfile).replace(":8000/", ":" + serve.port + "/");
            Process check = new ProcessBuilder("sh", "-c", health).redirectErrorStream(true).start();
            assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String said = new String(check.getInputStream().readAllBytes());
            assertThat(check.exitValue()).as(health + ": " + said).isZero();
            assertThat(said).startsWith("ok");

            long signalled = System.nanoTime();
            serve.terminate();
            assertThat(serve.process.waitFor(10, TimeUnit.SECONDS)).as("stopped within docker stop's 10 s").isTrue();
            assertThat(serve.process.exitValue()).as(serve.stderrText()).isZero();
            System.out.printf("Dockerfile's command stopped %d ms after SIGTERM%n", (System.nanoTime() - signalled) / 1_000_000);
        }
        assertThat(dockerfile).contains("STOPSIGNAL SIGTERM", "EXPOSE 8000");
    }

    /** The exec-form array of {@code instruction} (ENTRYPOINT, CMD). */
    @SuppressWarnings("unchecked")
    private static List<String> jsonArray(String dockerfile, String instruction) {
        Matcher m = Pattern.compile("(?m)^" + instruction + " (\\[.*])$").matcher(dockerfile);
        assertThat(m.find()).as(instruction + " in exec form").isTrue();
        return (List<String>) MiniJson.parse(m.group(1));
    }

    /** The shell command of {@code HEALTHCHECK ... CMD command}. */
    private static String healthCheck(String dockerfile) {
        Matcher m = Pattern.compile("(?m)^HEALTHCHECK .*? CMD (.+)$").matcher(dockerfile);
        assertThat(m.find()).as("a HEALTHCHECK").isTrue();
        return m.group(1);
    }
}
