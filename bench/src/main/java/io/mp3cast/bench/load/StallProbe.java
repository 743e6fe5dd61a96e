package io.mp3cast.bench.load;

import io.mp3cast.server.ConnectionLimits;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.Mp3CastServer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an mp3cast server in this process and timestamps a task on each of its event loops every
 * 10 ms: a task that runs late measures how long the loop was busy with something else (a stall).
 * Load comes from another process (bench/run-playout-bench.sh stall: {@link PushLoad} with 100
 * producers pushing 44.1 kHz stereo PCM at 10x real time, 20 listeners per mount). Prints the port,
 * then, after {@code --seconds}, one JSON line: the worst lag and percentiles, all and after the
 * first {@code --skip} seconds (JIT warm-up, ramp-up).
 *
 * <p>The event loops are the server's own Netty group, reached by reflection: a benchmark's
 * business, not an API.
 *
 * <pre>StallProbe --seconds 60 --skip 10 [--port 0] [--max-mounts 1000]</pre>
 */
public final class StallProbe {
    private static final long PERIOD_NANOS = 10_000_000L;

    private final long startNanos = System.nanoTime();
    private final long skipNanos;
    private final List<Long> lags = new ArrayList<>();
    private final List<Long> lagsAfterSkip = new ArrayList<>();

    private StallProbe(long skipNanos) {
        this.skipNanos = skipNanos;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "60"));
        int skip = Integer.parseInt(a.getOrDefault("skip", "10"));
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1")
                .port(Integer.parseInt(a.getOrDefault("port", "0")))
                .ingest(IngestSettings.DEFAULT.withMaxMounts(Integer.parseInt(a.getOrDefault("max-mounts", "1000"))))
                // Every load client is on loopback: no per-address cap (as bench/lib/common.sh does for serve).
                .limits(ConnectionLimits.DEFAULT.withMaxConnectionsPerIp(0))
                .start()) {
            System.out.println("port " + server.port());
            System.out.flush();
            StallProbe probe = new StallProbe(skip * 1_000_000_000L);
            EventLoopGroup group = group(server);
            int loops = 0;
            for (EventExecutor loop : group) {
                probe.arm(loop, System.nanoTime() + PERIOD_NANOS);
                loops++;
            }
            Thread.sleep(seconds * 1000L);
            System.out.println(probe.report(loops, seconds, skip));
        }
    }

    private static EventLoopGroup group(Mp3CastServer server) throws ReflectiveOperationException {
        Field f = Mp3CastServer.class.getDeclaredField("group");
        f.setAccessible(true);
        return (EventLoopGroup) f.get(server);
    }

    /** Runs on {@code loop} at {@code due}, records how late it ran, and arms the next run 10 ms after {@code due}. */
    private void arm(EventExecutor loop, long due) {
        loop.schedule(() -> {
            long now = System.nanoTime();
            record(Math.max(0, now - due), now);
            long next = due + PERIOD_NANOS;
            while (next <= now) {
                next += PERIOD_NANOS;  // a stall longer than a period counts once, by its lag
            }
            arm(loop, next);
        }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private synchronized void record(long lagNanos, long now) {
        lags.add(lagNanos);
        if (now - startNanos >= skipNanos) {
            lagsAfterSkip.add(lagNanos);
        }
    }

    private synchronized String report(int loops, int seconds, int skip) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event_loops", loops);
        out.put("seconds", seconds);
        out.put("skip_seconds", skip);
        out.put("samples", lags.size());
        put(out, "all", lags);
        put(out, "after_skip", lagsAfterSkip);
        return Json.line(out);
    }

    private static void put(Map<String, Object> out, String name, List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return;
        }
        out.put(name + "_worst_ms", v[v.length - 1] / 1e6);
        out.put(name + "_p99_ms", v[(int) Math.min(v.length - 1, Math.floor(v.length * 0.99))] / 1e6);
        out.put(name + "_p999_ms", v[(int) Math.min(v.length - 1, Math.floor(v.length * 0.999))] / 1e6);
        out.put(name + "_median_ms", v[v.length / 2] / 1e6);
        out.put(name + "_over_5ms", Arrays.stream(v).filter(x -> x > 5_000_000L).count());
    }
}
