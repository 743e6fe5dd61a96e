package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import java.nio.file.Path;

/**
 * Encodes {@link TestSignal} over and over on one thread for a while: something steady to point a
 * sampling profiler at ({@code perf record -p PID}, see BENCHMARKS.md). Also writes the same signal
 * as a WAV file and prints the matching lame command, to profile the CLI on the same input.
 *
 * <p>Arguments: {@code CONFIG SECONDS [BACKEND] [WAV_FILE]}, e.g. {@code MONO_24K_64 25 NATIVE /tmp/mono.wav}.
 */
public final class EncodeLoop {
    private static long bytesOut;

    private EncodeLoop() {}

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.valueOf(args[0]);
        long seconds = Long.parseLong(args[1]);
        EncoderBackend backend = args.length > 2 ? EncoderBackend.valueOf(args[2]) : EncoderBackend.NATIVE;
        short[] pcm = TestSignal.generate(config.format.sampleRateHz(), config.format.channels(), 120);
        if (args.length > 3) {
            TestSignal.writeWav(Path.of(args[3]), pcm, config.format.sampleRateHz(), config.format.channels());
            System.out.println(String.join(" ", config.lameCommand("lame", args[3], args[3] + ".mp3", false)));
        }
        float[] samples = TestSignal.toFloats(pcm);
        FrameSink sink = (data, offset, length) -> bytesOut += length;
        int step = 1152 * config.format.channels();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (Mp3Encoder encoder = Mp3Encoder.open(config.format, config.settings(backend))) {
                for (int off = 0; off < samples.length && System.nanoTime() < end; off += step) {
                    encoder.encode(samples, off, Math.min(step, samples.length - off), sink);
                }
                encoder.finish(sink);
            }
        }
        System.out.println(bytesOut + " bytes of MP3");
    }
}
