package io.mp3cast.server.bench;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.Mp3CastServer;
import io.mp3cast.source.AudioSources;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Time to the first audio byte, live mount and per-request stream, with N clients connecting at
 * once. A benchmark, not a test: run it by hand and read the numbers.
 *
 * <pre>
 * java -cp ... io.mp3cast.server.bench.TimeToFirstByte [clients=200]
 * </pre>
 */
public final class TimeToFirstByte {
    private TimeToFirstByte() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).demoRoutes()
                .mount(MountConfig.of("/stream.mp3"), AudioSources.noise(), EncoderSettings.cbr(64), "noise")
                .start()) {
            Thread.sleep(1500);  // let the mount build its burst
            for (String path : List.of("/stream.mp3", "/tone.mp3?seconds=2")) {
                measure(server.port(), path, 1);
                double[] ms = measure(server.port(), path, clients);
                Arrays.sort(ms);
                System.out.printf("%-22s %4d clients: first byte p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        path, clients, ms[ms.length / 2], ms[(int) (ms.length * 0.9)],
                        ms[(int) Math.min(ms.length - 1, ms.length * 0.99)], ms[ms.length - 1]);
            }
        }
    }

    private static double[] measure(int port, String path, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(clients, 256));
        List<Future<Double>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            results.add(pool.submit(() -> firstByteMillis(port, path)));
        }
        double[] ms = new double[clients];
        for (int i = 0; i < clients; i++) {
            ms[i] = results.get(i).get();
        }
        pool.shutdown();
        return ms;
    }

    /** Connect, send the request, read until the first byte after the header's blank line. */
    private static double firstByteMillis(int port, String path) throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            int state = 0;
            int c;
            while ((c = in.read()) >= 0) {
                state = switch (state) {
                    case 0, 2 -> c == '\r' ? state + 1 : 0;
                    case 1 -> c == '\n' ? 2 : 0;
                    case 3 -> c == '\n' ? 4 : 0;
                    default -> state;
                };
                if (state == 4) {
                    break;
                }
            }
            while ((c = in.read()) >= 0 && c != '\n') {
                // chunk size line
            }
            in.read();  // first audio byte
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
