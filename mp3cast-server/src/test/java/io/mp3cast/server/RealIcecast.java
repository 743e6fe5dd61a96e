package io.mp3cast.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code icecast2}, started on 127.0.0.1 and a free port with a config written into
 * {@code dir}, and MP3 sources pushed into it (or into mp3cast) at about real time by a thread each.
 * Missing {@code icecast2} skips the test, or fails it under CI ({@link Tools#require}).
 */
final class RealIcecast implements Closeable {
    static final String PASSWORD = "hackme";
    final int port;
    private final Process process;
    private final List<Source> sources = new ArrayList<>();

    private RealIcecast(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static RealIcecast start(Path dir) throws Exception {
        String icecast = Tools.require("icecast2", "icecast2");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // Debian's icecast2 will not run as root: it switches to nobody, who must write its logs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path config = dir.resolve("icecast.xml");
        Files.writeString(config, """
                <icecast>
                  <location>mp3cast</location><admin>admin@localhost</admin><hostname>127.0.0.1</hostname>
                  <limits><clients>100</clients><sources>8</sources><burst-size>65536</burst-size></limits>
                  <authentication><source-password>%1$s</source-password><relay-password>%1$s</relay-password>
                    <admin-user>admin</admin-user><admin-password>%1$s</admin-password></authentication>
                  <listen-socket><port>%2$d</port><bind-address>127.0.0.1</bind-address></listen-socket>
                  <paths><basedir>/usr/share/icecast2</basedir><logdir>%3$s</logdir>
                    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
                  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
                  <security><chroot>0</chroot>%4$s</security>
                </icecast>
                """.formatted(PASSWORD, port, dir, root ? "<changeowner><user>nobody</user><group>nogroup</group></changeowner>" : ""));
        Process p = new ProcessBuilder(icecast, "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        RealIcecast ice = new RealIcecast(port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return ice;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    ice.close();
                    throw new AssertionError("icecast2 did not start: " + Files.readString(dir.resolve("stdout.txt")));
                }
                Thread.sleep(50);
            }
        }
    }

    /** A source on {@code mount}, sending {@code frames} (24 ms each) at real time, over and over. */
    Source push(String mount, List<byte[]> frames, String... iceHeaders) throws IOException {
        Source s = Source.start(port, mount, frames, iceHeaders);
        sources.add(s);
        return s;
    }

    String get(String path, boolean admin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (admin) {
            b.header("Authorization", Put.basic("admin", PASSWORD));
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new AssertionError("icecast2 " + path + ": " + res.statusCode() + " " + res.body());
        }
        return res.body();
    }

    @Override
    public void close() {
        sources.forEach(Source::close);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An Icecast source client (PUT, Basic auth, {@code ice-*} headers) writing frames at real time. */
    static final class Source implements Closeable {
        private final Pusher pusher;
        private final Thread thread;
        private volatile boolean stop;

        private Source(Pusher pusher, List<byte[]> frames) {
            this.pusher = pusher;
            this.thread = new Thread(() -> loop(frames), "icecast-source");
            this.thread.setDaemon(true);
        }

        static Source start(int port, String mount, List<byte[]> frames, String... iceHeaders) throws IOException {
            Source s = new Source(Pusher.icecast(port, mount, PASSWORD, iceHeaders), frames);
            s.thread.start();
            return s;
        }

        private void loop(List<byte[]> frames) {
            long start = System.nanoTime();
            long sentMicros = 0;
            try {
                for (int i = 0; !stop; i = (i + 1) % frames.size()) {
                    pusher.write(frames.get(i));
                    sentMicros += 24_000;
                    long ahead = sentMicros - 500_000 - (System.nanoTime() - start) / 1000;  // half a second ahead
                    if (ahead > 0) {
                        Thread.sleep(ahead / 1000);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }

        @Override
        public void close() {
            stop = true;
            try {
                pusher.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
