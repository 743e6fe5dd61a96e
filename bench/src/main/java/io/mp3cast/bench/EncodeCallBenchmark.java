package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One steady-state {@link Mp3Encoder#encode(float[], int, int, FrameSink)} call on a stream that
 * is already running. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the heap allocated
 * per call. The native backend should allocate nothing; the Java backend (jump3r) allocates
 * inside LAME's port.
 *
 * <p>The input cycles through 10 s of {@link TestSignal}, so LAME sees changing audio, as it would live.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EncodeCallBenchmark {
    private static final int SIGNAL_SECONDS = 10;

    /** A {@link BenchConfig} name (JMH's generated code cannot see the package-private enum). */
    @Param({"MONO_24K_64", "STEREO_44K1_128"})
    public String config;

    @Param({"NATIVE", "JAVA"})
    public String backend;

    /** Sample frames (per channel) per call: one MPEG-1 frame's worth, two MPEG-2 frames'. */
    @Param("1152")
    public int frames;

    private float[] signal;
    private int samplesPerCall;
    private int position;
    private long bytesOut;
    private Mp3Encoder encoder;
    private final FrameSink sink = (data, offset, length) -> bytesOut += length + data[offset];

    @Setup(Level.Trial)
    public void open() {
        BenchConfig c = BenchConfig.valueOf(config);
        signal = TestSignal.toFloats(TestSignal.generate(c.format.sampleRateHz(), c.format.channels(), SIGNAL_SECONDS));
        samplesPerCall = frames * c.format.channels();
        encoder = Mp3Encoder.open(c.format, c.settings(EncoderBackend.valueOf(backend)));
        if (encoder.backend() != EncoderBackend.valueOf(backend)) {
            throw new IllegalStateException("asked for " + backend + ", got " + encoder.backend());
        }
        // Past LAME's start-up (first frames, bit reservoir filling) before JMH's own warm-up.
        for (int i = 0; i < 50; i++) {
            encodeOnce();
        }
    }

    @Benchmark
    public long encodeCall() {
        encodeOnce();
        return bytesOut;
    }

    private void encodeOnce() {
        if (position + samplesPerCall > signal.length) {
            position = 0;
        }
        encoder.encode(signal, position, samplesPerCall, sink);
        position += samplesPerCall;
    }

    @TearDown(Level.Trial)
    public void close() {
        encoder.close();
    }
}
