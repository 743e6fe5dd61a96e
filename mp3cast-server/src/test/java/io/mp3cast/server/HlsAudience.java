package io.mp3cast.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many HLS players at once, as hls.js behaves on a live playlist: each loads the playlist, starts
 * three segments from its end, fetches every new segment once, and reloads the playlist after the
 * duration of its last segment. They share one HTTP client (a pool of keep-alive connections), and
 * start spread over the first two seconds. For {@code HlsCdnTest} and {@code bench/run-hls-cdn-bench.sh}:
 *
 * <pre>java -cp ... io.mp3cast.server.HlsAudience URL CLIENTS SECONDS</pre>
 * prints one JSON line with what the audience fetched.
 */
public final class HlsAudience {
    private static final int START_FROM_END = 3;

    /**
     * What the audience did.
     *
     * @param fewestSegments the fewest segments one client fetched
     * @param errors         failed or non-200 requests, and gaps in a client's segments
     * @param firstErrors    the first few of them, described
     */
    public record Result(int clients, long playlists, long segments, long bytes, long fewestSegments, long errors,
                         List<String> firstErrors) {
        public String json() {
            return String.format(Locale.ROOT, "{\"clients\":%d,\"playlists\":%d,\"segments\":%d,\"bytes\":%d,"
                    + "\"fewestSegments\":%d,\"errors\":%d}", clients, playlists, segments, bytes, fewestSegments, errors);
        }
    }

    private final URI playlistUri;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong playlists = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
    private volatile long stopAtNanos;

    private HlsAudience(URI playlistUri) {
        this.playlistUri = playlistUri;
    }

    /** Runs {@code clients} players against {@code playlist} for {@code duration}, then returns what they did. */
    public static Result run(URI playlist, int clients, Duration duration) throws InterruptedException {
        return new HlsAudience(playlist).play(clients, duration);
    }

    private Result play(int clients, Duration duration) throws InterruptedException {
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(Math.min(32, Math.max(2, clients / 8)));
        List<Player> players = new ArrayList<>();
        stopAtNanos = System.nanoTime() + duration.toNanos();
        try {
            for (int i = 0; i < clients; i++) {
                Player p = new Player(pool);
                players.add(p);
                pool.schedule(p::refresh, ThreadLocalRandom.current().nextLong(2000), TimeUnit.MILLISECONDS);
            }
            Thread.sleep(duration.toMillis());
        } finally {
            pool.shutdown();
            pool.awaitTermination(20, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
        long fewest = players.stream().mapToLong(p -> p.fetched).min().orElse(0);
        return new Result(clients, playlists.get(), segments.get(), bytes.get(), fewest, errors.get(),
                List.copyOf(firstErrors.subList(0, Math.min(5, firstErrors.size()))));
    }

    private void error(String what) {
        errors.incrementAndGet();
        if (firstErrors.size() < 5) {
            firstErrors.add(what);
        }
    }

    /** One player: its state is touched by one task at a time (each schedules the next). */
    private final class Player {
        private final ScheduledExecutorService pool;
        private long next = -1;
        long fetched;

        Player(ScheduledExecutorService pool) {
            this.pool = pool;
        }

        void refresh() {
            if (System.nanoTime() >= stopAtNanos) {
                return;
            }
            long started = System.nanoTime();
            double reloadSeconds = 1;
            try {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(playlistUri).build(),
                        HttpResponse.BodyHandlers.ofString());
                playlists.incrementAndGet();
                if (res.statusCode() != 200) {
                    error("playlist: " + res.statusCode());
                } else {
                    reloadSeconds = follow(HlsPlaylist.parse(res.body()));
                }
            } catch (Exception e) {
                error("playlist: " + e);
            }
            long waitNanos = (long) (reloadSeconds * 1e9) - (System.nanoTime() - started);
            try {
                pool.schedule(this::refresh, Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the run is over
            }
        }

        /** Fetches the segments not fetched yet; returns when to reload: the last segment's duration. */
        private double follow(HlsPlaylist playlist) throws Exception {
            List<HlsPlaylist.Entry> entries = playlist.entries();
            if (entries.isEmpty()) {
                return playlist.targetDurationSeconds() / 2.0;
            }
            if (next < 0) {
                next = entries.get(Math.max(0, entries.size() - START_FROM_END)).sequence();
            }
            for (HlsPlaylist.Entry e : entries) {
                if (e.sequence() < next || System.nanoTime() >= stopAtNanos) {
                    continue;
                }
                if (e.sequence() > next) {
                    error("segments " + next + "-" + (e.sequence() - 1) + " left the playlist before they were fetched");
                }
                HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(HlsPlaylist.resolve(playlistUri, e)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                segments.incrementAndGet();
                if (res.statusCode() != 200) {
                    error("segment " + e.sequence() + ": " + res.statusCode());
                } else {
                    bytes.addAndGet(res.body().length);
                    fetched++;
                }
                next = e.sequence() + 1;
            }
            return entries.get(entries.size() - 1).durationSeconds();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: HlsAudience PLAYLIST_URL CLIENTS SECONDS");
            System.exit(2);
        }
        Result r = run(URI.create(args[0]), Integer.parseInt(args[1]), Duration.ofSeconds(Long.parseLong(args[2])));
        System.out.println(r.json());
        r.firstErrors().forEach(System.err::println);
    }
}
