package io.mp3cast.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A music-like test signal: a few harmonic tones with slow tremolo, a sweeping tone and a little
 * white noise (about -40 dBFS), different on the two channels of stereo.
 *
 * <p>Samples are quantised to int16 and given to the encoder as {@code s / 32768f}, so the WAV
 * file the lame CLI reads and the floats the Java side encodes hold exactly the same signal.
 */
final class TestSignal {
    private TestSignal() {}

    /** Interleaved int16 samples, {@code seconds} long. */
    static short[] generate(int sampleRateHz, int channels, double seconds) {
        int frames = (int) Math.round(seconds * sampleRateHz);
        short[] out = new short[frames * channels];
        SplittableRandom noise = new SplittableRandom(42);
        for (int c = 0; c < channels; c++) {
            double base = c == 0 ? 220.0 : 277.18;
            double phase = 0;
            for (int i = 0; i < frames; i++) {
                double t = (double) i / sampleRateHz;
                double tremolo = 0.75 + 0.25 * Math.sin(2 * Math.PI * (0.3 + 0.1 * c) * t);
                double tones = 0.30 * Math.sin(2 * Math.PI * base * t)
                        + 0.15 * Math.sin(2 * Math.PI * base * 2.01 * t)
                        + 0.08 * Math.sin(2 * Math.PI * base * 4.98 * t)
                        + 0.04 * Math.sin(2 * Math.PI * 3150.0 * t);
                // A tone sweeping 300 Hz..6 kHz and back every 8 s, so the spectrum keeps moving.
                double sweepHz = 300 + 5700 * (0.5 - 0.5 * Math.cos(2 * Math.PI * t / 8.0));
                phase += 2 * Math.PI * sweepHz / sampleRateHz;
                double v = tremolo * tones + 0.10 * Math.sin(phase) + 0.01 * (2 * noise.nextDouble() - 1);
                out[i * channels + c] = (short) Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
            }
        }
        return out;
    }

    static float[] toFloats(short[] samples) {
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] / 32768f;
        }
        return out;
    }

    /** Writes a canonical 16-bit PCM WAV file. */
    static void writeWav(Path file, short[] samples, int sampleRateHz, int channels) throws IOException {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) channels).putInt(sampleRateHz)
                .putInt(sampleRateHz * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (short s : samples) {
            b.putShort(s);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(b.array());
        }
    }
}
