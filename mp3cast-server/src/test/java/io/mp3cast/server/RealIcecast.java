package io.mp3cast.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code icecast2} ({@link Icecast}: 127.0.0.1, a free port, a config written into
 * {@code dir}), and MP3 sources pushed into it (or into mp3cast) at about real time by a thread each.
 * Missing {@code icecast2} skips the test, or fails it under CI.
 */
final class RealIcecast implements Closeable {
    static final String PASSWORD = Icecast.SOURCE_PASSWORD;
    final int port;
    private final Icecast icecast;
    private final List<Source> sources = new ArrayList<>();

    private RealIcecast(Icecast icecast) {
        this.icecast = icecast;
        this.port = icecast.port();
    }

    static RealIcecast start(Path dir) throws Exception {
        return new RealIcecast(Icecast.start(dir));
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
            b.header("Authorization", Put.basic("admin", Icecast.ADMIN_PASSWORD));
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
        try {
            icecast.close();
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
