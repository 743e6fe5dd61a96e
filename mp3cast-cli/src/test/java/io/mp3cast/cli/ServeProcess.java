package io.mp3cast.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code ./mp3cast serve} process (the launcher, as an operator runs it), with the port it
 * printed; its standard error goes to a file. Ended with SIGTERM, or forcibly at close.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("mp3cast serving on https?://[^:]+:(\\d+)/");
    final Process process;
    final int port;
    final Path stderr;
    final List<String> stdout = new ArrayList<>();

    private ServeProcess(Process process, int port, Path stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    static Path launcher() throws IOException {
        return Path.of(System.getProperty("mp3cast.root", "..")).toRealPath().resolve("mp3cast");
    }

    /** Starts {@code ./mp3cast serve ARGS} with {@code javaHome} (null: the default) and waits for its banner. */
    static ServeProcess start(Path dir, String javaHome, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "serve"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        if (javaHome != null) {
            pb.environment().put("JAVA_HOME", javaHome);
        }
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IOException("serve printed no banner"));
        }, "serve-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            ServeProcess s = new ServeProcess(p, port.get(120, TimeUnit.SECONDS), dir.resolve("stderr.txt"));
            s.stdout.addAll(lines);
            return s;
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("serve did not start: " + e + "\nstderr:\n" + Files.readString(dir.resolve("stderr.txt")), e);
        }
    }

    /** Sends SIGTERM, as an orchestrator stops a container. */
    void terminate() throws Exception {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -TERM " + process.pid() + " failed");
        }
    }

    String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
