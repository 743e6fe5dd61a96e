package io.mp3cast.bench.load;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * Glass to glass: from a sample pushed by a producer to a listener receiving the MP3 frame that
 * carries it. The producer sends silence with a click (20 ms of a 1 kHz tone) every
 * {@code --click-ms}, paced at real time in 20 ms chunks, and notes when each click's chunk left
 * (System.nanoTime after the socket write). The listener records every byte of the body with the
 * time it arrived. Afterwards the body is decoded (JLayer) frame by frame; the first loud frame
 * after each click's push is the frame that carries it, and the time its last byte arrived, less
 * the push time, is that click's latency. Producer and listener share one process and one clock.
 *
 * <p>Modes. {@code push}: the producer is a chunked {@code PUT} of f32le PCM into an mp3cast
 * mount ({@code --url}), the listener a {@code GET} of the same mount. {@code flask}: the seed's
 * approach (bench/flask/seed_app.py), where the producer runs inside the server, per request;
 * its {@code X-Producer-Start} header gives the producer's start on the same monotonic clock
 * (CLOCK_MONOTONIC, which Python's time.monotonic_ns and Java's System.nanoTime both read), and
 * click {@code k} is pushed at that start plus its place in the audio.
 *
 * <p>Bounded: {@code --seconds} of audio (at most 600), 127.0.0.1 only.
 */
public final class GlassToGlass {
    private static final int RATE = 24000;
    private static final int CHUNK = RATE / 50;
    private static final int CLICK_SAMPLES = RATE / 50;
    /** A decoded frame louder than this (RMS, full scale 1) carries a click; silence decodes to 0. */
    private static final double LOUD_RMS = 0.05;

    private GlassToGlass() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        URI url = URI.create(a.getOrDefault("--url", ""));
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("--url: only http://127.0.0.1:PORT/... is allowed, got " + url);
        }
        int seconds = Math.min(600, Integer.parseInt(a.getOrDefault("--seconds", "30")));
        int clickMillis = Integer.parseInt(a.getOrDefault("--click-ms", "500"));
        String mode = a.getOrDefault("--mode", "push");
        String label = a.getOrDefault("--label", mode);
        Run run = mode.equals("flask") ? flask(url, seconds, clickMillis) : push(url, seconds, clickMillis,
                a.getOrDefault("--query", "format=f32le&rate=24000&channels=1"));
        List<Long> latencies = run.latenciesMicros();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", label);
        r.put("mode", "glass");
        r.put("url", url.toString());
        r.put("clicks", run.clickNanos.size());
        r.put("latency_us", Percentiles.of(latencies).map());
        r.put("missed", run.clickNanos.size() - latencies.size());
        r.put("load", String.join(" ", java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3)));
        System.err.printf(Locale.ROOT, "%s: glass to glass over %d clicks: %s us%n", label, run.clickNanos.size(),
                Percentiles.of(latencies));
        String json = Json.line(r);
        if (a.containsKey("--json")) {
            Json.append(Path.of(a.get("--json")), json);
        }
        System.out.println(json);
    }

    /** Clicks pushed (System.nanoTime, after their chunk was written) and the body the listener got. */
    record Run(List<Long> clickNanos, Body body) {
        List<Long> latenciesMicros() {
            List<Long> frameEnds = body.loudFrameArrivals();
            List<Long> out = new ArrayList<>();
            int f = 0;
            for (int k = 0; k < clickNanos.size(); k++) {
                long pushed = clickNanos.get(k);
                long next = k + 1 < clickNanos.size() ? clickNanos.get(k + 1) : Long.MAX_VALUE;
                while (f < frameEnds.size() && frameEnds.get(f) < pushed) {
                    f++;
                }
                // The first loud frame to arrive after the push, before the next click's push.
                if (f < frameEnds.size() && frameEnds.get(f) < next) {
                    out.add((frameEnds.get(f) - pushed) / 1000);
                }
            }
            return out;
        }
    }

    private static Run push(URI url, int seconds, int clickMillis, String query) throws Exception {
        int port = url.getPort();
        List<Long> clicks = new ArrayList<>();
        try (Socket producer = new Socket()) {
            producer.setTcpNoDelay(true);
            producer.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = producer.getOutputStream();
            out.write(("PUT " + url.getRawPath() + "?" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            Body body = null;
            Thread listener = null;
            long total = (long) seconds * RATE;
            long clickEvery = (long) clickMillis * RATE / 1000;
            byte[] chunk = new byte[CHUNK * 4];
            byte[] head = String.format("%x\r\n", chunk.length).getBytes(StandardCharsets.US_ASCII);
            long listenFrom = RATE;  // the listener joins after 1 s of audio; clicks before its burst ends are not counted
            for (long n = 0; n < total; n += CHUNK) {
                long due = start + n * 1_000_000_000L / RATE;
                long left;
                while ((left = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                }
                boolean click = fill(chunk, n, clickEvery);
                out.write(head);
                out.write(chunk);
                out.write('\r');
                out.write('\n');
                out.flush();
                if (click && body != null && n > listenFrom + 2L * RATE) {
                    clicks.add(System.nanoTime());
                }
                if (n == listenFrom) {
                    body = new Body();
                    Body b = body;
                    listener = new Thread(() -> b.listen(port, url.getRawPath()), "listener");
                    listener.setDaemon(true);
                    listener.start();
                }
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(1500);  // the last clicks' frames
            body.stop();
            listener.join(5000);
            return new Run(clicks, body);
        }
    }

    private static Run flask(URI url, int seconds, int clickMillis) throws Exception {
        Body body = new Body();
        String path = url.getRawPath() + "?seconds=" + seconds + "&pace=realtime&clicks=" + clickMillis;
        Thread listener = new Thread(() -> body.listen(url.getPort(), path), "listener");
        listener.start();
        listener.join((seconds + 30) * 1000L);
        body.stop();
        long start = Long.parseLong(body.header("x-producer-start"));
        long clickEvery = (long) clickMillis * RATE / 1000;
        List<Long> clicks = new ArrayList<>();
        for (long n = 2L * RATE; n < (long) seconds * RATE; n += clickEvery) {
            // The producer writes 20 ms chunks, each when its last sample is due.
            long chunkEnd = (n / CHUNK + 1) * CHUNK;
            clicks.add(start + chunkEnd * 1_000_000_000L / RATE);
        }
        return new Run(clicks, body);
    }

    /** Silence, with a 20 ms 1 kHz click where a click period starts; whether this chunk has one. */
    private static boolean fill(byte[] chunk, long first, long clickEvery) {
        ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        boolean click = false;
        for (int i = 0; i < CHUNK; i++) {
            long n = first + i;
            long inPeriod = n % clickEvery;
            float v = 0;
            if (inPeriod < CLICK_SAMPLES) {
                v = (float) (0.8 * Math.sin(2 * Math.PI * 1000 * inPeriod / RATE));
                click |= inPeriod == 0;
            }
            b.putFloat(v);
        }
        return click;
    }

    /** A listener's body bytes, each read's end offset with the time it arrived, and the response headers. */
    static final class Body {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<long[]> reads = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private volatile Socket socket;
        private volatile boolean stopped;

        void listen(int port, String path) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                readHead(in);
                boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                byte[] buf = new byte[65536];
                ChunkState cs = new ChunkState();
                int n;
                while (!stopped && (n = in.read(buf)) > 0) {
                    long now = System.nanoTime();
                    synchronized (this) {
                        if (chunked) {
                            cs.strip(buf, n, bytes);
                        } else {
                            bytes.write(buf, 0, n);
                        }
                        reads.add(new long[] {bytes.size(), now});
                    }
                }
            } catch (IOException e) {
                if (!stopped) {
                    System.err.println("listener: " + e);
                }
            }
        }

        void stop() throws IOException {
            stopped = true;
            Socket s = socket;
            if (s != null) {
                s.close();
            }
        }

        String header(String name) {
            String v = headers.get(name);
            if (v == null) {
                throw new IllegalStateException("response has no " + name + " header: " + headers);
            }
            return v;
        }

        private void readHead(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            boolean first = true;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String l = line.toString().trim();
                    line.setLength(0);
                    if (l.isEmpty()) {
                        return;
                    }
                    if (!first && l.indexOf(':') > 0) {
                        headers.put(l.substring(0, l.indexOf(':')).trim().toLowerCase(Locale.ROOT),
                                l.substring(l.indexOf(':') + 1).trim());
                    }
                    first = false;
                } else {
                    line.append((char) c);
                }
            }
        }

        /** When each loud frame's last byte arrived, in stream order. */
        synchronized List<Long> loudFrameArrivals() {
            byte[] body = bytes.toByteArray();
            List<Integer> ends = frameEnds(body);
            List<Long> out = new ArrayList<>();
            Bitstream bitstream = new Bitstream(new ByteArrayInputStream(body));
            Decoder decoder = new Decoder();
            try {
                Header h;
                int k = 0;
                while ((h = bitstream.readFrame()) != null && k < ends.size()) {
                    SampleBuffer sb = (SampleBuffer) decoder.decodeFrame(h, bitstream);
                    bitstream.closeFrame();
                    if (rms(sb) > LOUD_RMS) {
                        out.add(arrival(ends.get(k)));
                    }
                    k++;
                }
            } catch (BitstreamException | DecoderException e) {
                System.err.println("decoding stopped: " + e.getMessage());
            }
            return out;
        }

        private long arrival(int endOffset) {
            for (long[] r : reads) {
                if (r[0] >= endOffset) {
                    return r[1];
                }
            }
            return Long.MAX_VALUE;
        }

        private static double rms(SampleBuffer sb) {
            short[] s = sb.getBuffer();
            double sum = 0;
            int n = sb.getBufferLength();
            for (int i = 0; i < n; i++) {
                sum += (double) s[i] * s[i];
            }
            return n == 0 ? 0 : Math.sqrt(sum / n) / 32768.0;
        }

        /** End offsets of the frames, in order, after any ID3v2 tag (as JLayer reads them). */
        static List<Integer> frameEnds(byte[] b) {
            int i = 0;
            if (b.length > 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
                i = 10 + ((b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F));
            }
            List<Integer> ends = new ArrayList<>();
            while (i + 4 <= b.length) {
                int h = (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
                int len = Mp3Sync.frameLength(h);
                if (len == 0) {
                    i++;
                    continue;
                }
                if (i + len > b.length) {
                    break;
                }
                i += len;
                ends.add(i);
            }
            return ends;
        }
    }

    /** HTTP/1.1 chunk framing, stripped across reads. */
    static final class ChunkState {
        private int left;
        private int state;  // 0 size, 1 size LF, 2 data, 3 CR, 4 LF
        private int size;

        void strip(byte[] buf, int n, ByteArrayOutputStream out) {
            int i = 0;
            while (i < n) {
                if (state == 2) {
                    int k = Math.min(left, n - i);
                    out.write(buf, i, k);
                    i += k;
                    left -= k;
                    if (left == 0) {
                        state = 3;
                    }
                    continue;
                }
                byte c = buf[i++];
                switch (state) {
                    case 0 -> {
                        int d = Character.digit(c, 16);
                        if (d >= 0) {
                            size = size * 16 + d;
                        } else if (c == '\n') {
                            left = size;
                            size = 0;
                            state = left == 0 ? 5 : 2;
                        }
                    }
                    case 3 -> state = 4;
                    case 4 -> state = 0;
                    default -> i = n;
                }
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            m.put(args[i], args[i + 1]);
        }
        return m;
    }
}
