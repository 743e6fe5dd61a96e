package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The encoder alone, as the streams benchmark's ceiling: how many per-request streams of the demo
 * route's audio ({@code /tone.mp3?rate=24000&bitrate=64&quality=5}: a 440 Hz tone, 24 kHz mono,
 * 64 kbps CBR, LAME quality 5, native) this machine's cores could encode at real time if they did
 * nothing else: no pacing, no sockets, no HTTP. One thread per core, each making the tone and
 * encoding it as fast as it can for a fixed wall time; prints one JSON line.
 *
 * <p>With {@code STREAMS} = 1 per thread, each thread keeps one encoder (and its memory) hot in its
 * core's cache, encoding 100 ms steps: the best case. With many, each thread takes turns among
 * its share of {@code STREAMS} encoders, {@code STEP_MS} of audio each turn, as a server's stream
 * threads do: every turn starts with the encoder's state out of cache.
 *
 * <p>Arguments: {@code [SECONDS] [THREADS] [STREAMS] [STEP_MS]} (default 10 s, one thread per
 * core, one stream per thread, 100 ms).
 */
public final class EncoderCeiling {
    private static final int RATE = 24_000;

    private EncoderCeiling() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : threads;
        int step = RATE * (args.length > 3 ? Integer.parseInt(args[3]) : 100) / 1000;
        int perThread = Math.max(1, streams / threads);
        PcmFormat format = PcmFormat.floatMono(RATE);
        EncoderSettings settings = EncoderSettings.DEFAULT.withBitrateKbps(64).withLameQuality(5)
                .withBackend(EncoderBackend.NATIVE);
        encodeUntil(format, settings, 1, step, System.nanoTime() + 2_000_000_000L);  // warm-up: JIT, library
        LongAdder samples = new LongAdder();
        long cpu0 = CpuClock.processNanos();
        long wall0 = System.nanoTime();
        long end = wall0 + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> samples.add(encodeUntil(format, settings, perThread, step, end)), "encode-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (CpuClock.processNanos() - cpu0) / 1e9;
        double audioSeconds = samples.sum() / (double) RATE;
        System.out.printf("{\"label\":\"encoder alone\",\"threads\":%d,\"encoders\":%d,\"step_ms\":%d,"
                        + "\"wall_s\":%.2f,\"cpu_s\":%.2f,\"audio_s\":%.1f,\"cpu_ms_per_stream_second\":%.3f,"
                        + "\"streams_at_real_time\":%.0f}%n",
                threads, perThread * threads, step * 1000 / RATE, wall, cpu, audioSeconds, cpu * 1000 / audioSeconds,
                audioSeconds / wall);
    }

    /** Samples encoded by this thread until {@code endNanos}, taking turns among {@code count} streams. */
    private static long encodeUntil(PcmFormat format, EncoderSettings settings, int count, int step, long endNanos) {
        float[] pcm = new float[step];
        long[] bytes = new long[1];
        FrameSink sink = (data, off, len) -> bytes[0] += len;
        AudioSource[] tones = new AudioSource[count];
        Mp3Encoder[] encoders = new Mp3Encoder[count];
        long done = 0;
        try {
            for (int i = 0; i < count; i++) {
                tones[i] = AudioSources.tone(format, 440);
                encoders[i] = Mp3Encoder.open(format, settings);
            }
            for (int turn = 0; System.nanoTime() < endNanos; turn = (turn + 1) % count) {
                int n = tones[turn].read(pcm, 0, step);
                encoders[turn].encode(pcm, 0, n, sink);
                done += n;
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (int i = 0; i < count; i++) {
                if (encoders[i] != null) {
                    encoders[i].close();
                }
            }
        }
        return done;
    }
}
