package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.source.AudioSources;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's nginx, configured with the README's snippet (as written, but for its three addresses),
 * caches a live mount's HLS for 200 clients playing for 30 s: every client gets every segment, and
 * mp3cast sees at most one request per segment and one playlist request per second (the playlist's
 * {@code max-age}), so the audience costs the cache, not mp3cast. The request counts and the CPU
 * of mp3cast (its own threads) and of nginx are written to {@code target/hls-cdn.json}; they are
 * not asserted ({@code bench/run-hls-cdn-bench.sh} measures them with mp3cast in its own process).
 * Skipped without nginx; fails without it when {@code CI} is set.
 */
class HlsCdnTest {
    private static final int CLIENTS = 200;
    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final Path FIGURES = Path.of("target", "hls-cdn.json");

    /** Counts what mp3cast served: playlists, and each segment by its sequence number. */
    private static final class Counting implements ServerMetrics {
        final AtomicLong playlists = new AtomicLong();
        final Map<Long, AtomicInteger> segments = new ConcurrentHashMap<>();
        volatile long firstPlaylistNanos;

        @Override
        public void hlsPlaylistServed(String mount) {
            if (playlists.getAndIncrement() == 0) {
                firstPlaylistNanos = System.nanoTime();
            }
        }

        @Override
        public void hlsSegmentServed(String mount, long sequence) {
            segments.computeIfAbsent(sequence, s -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    void nginxWithTheReadmeSnippetServes200ClientsFor30sWhileMp3castSeesOneRequestPerSegmentAndPerPlaylistRefresh(
            @TempDir Path dir) throws Exception {
        String nginx = Tools.which("nginx") != null ? "nginx" : "/usr/sbin/nginx";
        nginx = Tools.require(nginx, "nginx");
        Counting counts = new Counting();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).metrics(counts)
                .mount(MountConfig.of("/stream.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                .start()) {
            ServerFixture.awaitAudio(server.mount("/stream.mp3").stream(), 6_500_000);
            int port = freePort();
            Process proxy = Nginx.start(nginx, dir, ReadmeSnippet.nginx(), server.port(), port);
            try {
                long mp3castCpu = mp3castCpuNanos();
                long nginxCpu = Nginx.cpuNanos(proxy);
                HlsAudience.Result audience = HlsAudience.run(URI.create("http://127.0.0.1:" + port + "/stream.m3u8"),
                        CLIENTS, LOAD);
                double seconds = (System.nanoTime() - counts.firstPlaylistNanos) / 1e9;
                mp3castCpu = mp3castCpuNanos() - mp3castCpu;
                nginxCpu = Nginx.cpuNanos(proxy) - nginxCpu;
                long segmentRequests = counts.segments.values().stream().mapToLong(AtomicInteger::get).sum();
                record(audience, counts, segmentRequests, mp3castCpu, nginxCpu);

                assertThat(audience.errors()).as("errors the clients saw: %s", audience.firstErrors()).isZero();
                assertThat(audience.fewestSegments()).as("segments the least served client got in %s", LOAD)
                        .isGreaterThanOrEqualTo(LOAD.toSeconds() / 2 - 3);
                assertThat(audience.segments()).as("segments the clients fetched").isGreaterThan(CLIENTS * 10L);
                assertThat(counts.segments.values()).as("mp3cast's requests per segment")
                        .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
                assertThat(counts.playlists.get()).as("mp3cast's playlist requests in %.1f s (max-age=1)", seconds)
                        .isLessThanOrEqualTo((long) Math.ceil(seconds) + 2);
            } finally {
                Nginx.stop(proxy);
            }
        }
    }

    /**
     * Low-latency HLS through the same nginx: 50 players asking at once for the playlist that holds
     * the next part ({@code ?_HLS_msn=N&_HLS_part=P}, a blocking reload) all get it, and mp3cast
     * answers that URL once: nginx's {@code proxy_cache_lock} holds the others until the first
     * answer is cached, whatever time mp3cast takes to make the part. Five parts in a row.
     */
    @Test
    void blockingReloadsThroughNginxReachMp3castOncePerPart(@TempDir Path dir) throws Exception {
        String nginx = Tools.which("nginx") != null ? "nginx" : "/usr/sbin/nginx";
        nginx = Tools.require(nginx, "nginx");
        Counting counts = new Counting();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).metrics(counts)
                .mount(MountConfig.of("/ll.mp3").withHls(HlsSettings.DEFAULT.withPartMillis(500)),
                        AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                .start()) {
            int port = freePort();
            Process proxy = Nginx.start(nginx, dir, ReadmeSnippet.nginx(), server.port(), port);
            try {
                HttpClient http = HttpClient.newHttpClient();
                URI playlistUri = URI.create("http://127.0.0.1:" + port + "/ll.m3u8");
                HlsPlaylist playlist = HlsPlaylist.parse(http.send(HttpRequest.newBuilder(playlistUri).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (int round = 0; round < 5; round++) {
                    long msn = playlist.next();
                    int part = playlist.partsOf(msn).size();
                    URI blocking = URI.create(playlistUri + "?_HLS_msn=" + msn + "&_HLS_part=" + part);
                    long before = counts.playlists.get();
                    List<CompletableFuture<HttpResponse<String>>> players = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        players.add(http.sendAsync(HttpRequest.newBuilder(blocking).build(), HttpResponse.BodyHandlers.ofString()));
                    }
                    for (CompletableFuture<HttpResponse<String>> player : players) {
                        HttpResponse<String> res = player.get(10, TimeUnit.SECONDS);
                        assertThat(res.statusCode()).as("%s", blocking).isEqualTo(200);
                        playlist = HlsPlaylist.parse(res.body());
                        assertThat(playlist.next() > msn || playlist.partsOf(msn).size() > part)
                                .as("the answer holds part %d.%d", msn, part).isTrue();
                    }
                    assertThat(counts.playlists.get() - before).as("mp3cast's answers to 50 players asking %s", blocking)
                            .isEqualTo(1);
                }
            } finally {
                Nginx.stop(proxy);
            }
        }
    }

    private static void record(HlsAudience.Result audience, Counting counts, long segmentRequests, long mp3castCpu,
                               long nginxCpu) throws IOException {
        String json = String.format(Locale.ROOT, "{\"clients\":%d,\"seconds\":%d,\"audience\":%s,"
                        + "\"mp3cast\":{\"playlistRequests\":%d,\"segmentRequests\":%d,\"distinctSegments\":%d,"
                        + "\"cpuSeconds\":%.3f},\"nginx\":{\"cpuSeconds\":%.3f},\"loadavg\":\"%s\"}",
                CLIENTS, LOAD.toSeconds(), audience.json(), counts.playlists.get(), segmentRequests,
                counts.segments.size(), mp3castCpu / 1e9, nginxCpu / 1e9,
                Files.readString(Path.of("/proc/loadavg")).trim());
        Files.createDirectories(FIGURES.getParent());
        Files.writeString(FIGURES, json + "\n");
        System.out.println("HlsCdnTest: " + json);
    }

    /** CPU time of this JVM's mp3cast threads (event loops, feeds), not the test's clients. */
    private static long mp3castCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("mp3cast-")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The nginx snippet from README.md's "HLS and CDNs", between its marker comments. */
    static final class ReadmeSnippet {
        static final String BEGIN = "<!-- nginx-hls-snippet:";
        static final String END = "<!-- nginx-hls-snippet: end -->";

        static String nginx() throws IOException {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null && !Files.exists(dir.resolve("README.md"))) {
                dir = dir.getParent();
            }
            if (dir == null) {
                return fail("README.md not found above " + Path.of("").toAbsolutePath());
            }
            String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
            int begin = readme.indexOf(BEGIN);
            int end = readme.indexOf(END);
            assertThat(begin).as("README's nginx snippet marker").isNotNegative().isLessThan(end);
            String block = readme.substring(readme.indexOf('\n', begin) + 1, end).trim();
            assertThat(block).as("the snippet is one nginx code block").startsWith("```nginx\n").endsWith("\n```");
            return block.substring("```nginx\n".length(), block.length() - 3);
        }
    }

    /** Debian's nginx on 127.0.0.1, in a folder of its own, with the snippet and nothing else in its http block. */
    static final class Nginx {
        /** The three addresses the snippet's reader changes, as the README says. */
        static final String CACHE = "/var/cache/nginx/mp3cast";
        static final String LISTEN = "listen 80;";
        static final String UPSTREAM = "server 127.0.0.1:8000;";

        static Process start(String nginx, Path dir, String snippet, int mp3castPort, int port) throws Exception {
            for (String address : List.of(CACHE, LISTEN, UPSTREAM)) {
                assertThat(snippet).as("the README's snippet").containsOnlyOnce(address);
            }
            Path cache = Files.createDirectories(dir.resolve("cache"));
            Files.writeString(dir.resolve("mp3cast-hls.conf"), snippet.replace(CACHE, cache.toString())
                    .replace(LISTEN, "listen 127.0.0.1:" + port + ";")
                    .replace(UPSTREAM, "server 127.0.0.1:" + mp3castPort + ";"));
            String temp = dir.resolve("temp").toString();
            Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                    "daemon off;",
                    "worker_processes 1;",
                    "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                    "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + dir.resolve("error.log") + " warn;",
                    "events { worker_connections 4096; }",
                    "http {",
                    "    access_log off;",
                    "    client_body_temp_path " + temp + "-body;",
                    "    proxy_temp_path " + temp + "-proxy;",
                    "    fastcgi_temp_path " + temp + "-fastcgi;",
                    "    uwsgi_temp_path " + temp + "-uwsgi;",
                    "    scgi_temp_path " + temp + "-scgi;",
                    "    include " + dir.resolve("mp3cast-hls.conf") + ";",
                    "}", ""));
            Process p = new ProcessBuilder(nginx, "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                    "-e", dir.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    fail("nginx exited (" + p.exitValue() + "): " + Files.readString(dir.resolve("nginx.out"))
                            + errorLog(dir));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return p;
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            stop(p);
            return fail("nginx not listening on " + port + " after 10 s" + errorLog(dir));
        }

        private static String errorLog(Path dir) throws IOException {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? "\n" + Files.readString(log) : "";
        }

        /** User + system CPU of nginx's master and workers, in nanoseconds. */
        static long cpuNanos(Process p) throws Exception {
            long tickNanos = 1_000_000_000L / Long.parseLong(Tools.run(List.of("getconf", "CLK_TCK")).stdout().trim());
            long ticks = 0;
            for (ProcessHandle h : List.of(p.toHandle()).stream()
                    .flatMap(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants())).toList()) {
                Path stat = Path.of("/proc/" + h.pid() + "/stat");
                if (Files.exists(stat)) {
                    String text = Files.readString(stat);
                    String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime
                }
            }
            return ticks * tickNanos;
        }

        static void stop(Process p) throws InterruptedException {
            List<ProcessHandle> workers = p.descendants().toList();
            p.destroy();  // SIGTERM: nginx's fast shutdown, workers included
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
