package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Signals;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Sine tones as the bytes a WAV file or a raw PCM pipe carries, and checks of what came back. */
final class TestAudio {
    private static final double AMPLITUDE = 0.5;

    private TestAudio() {}

    /** One sine per channel at half scale, interleaved float samples. */
    static float[] tones(int rateHz, double seconds, double... channelHz) {
        int frames = (int) Math.round(rateHz * seconds);
        float[] left = Signals.toneMix(rateHz, frames, AMPLITUDE, channelHz[0]);
        return channelHz.length == 1 ? left
                : Signals.interleave(left, Signals.toneMix(rateHz, frames, AMPLITUDE, channelHz[1]));
    }

    static byte[] int16le(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(Signals.toShorts(samples));
        return b.array();
    }

    static byte[] float32le(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(samples);
        return b.array();
    }

    static byte[] wav(PcmFormat format, byte[] pcm) {
        byte[] header = new WavHeader(format, pcm.length).toBytes();
        return ByteBuffer.allocate(header.length + pcm.length).put(header).put(pcm).array();
    }

    /**
     * Each decoded channel is its input channel: same tone, same waveform once aligned past the
     * codec delay. A swapped, silent or distorted channel fails.
     */
    static void assertSameAudio(float[] input, short[] decodedInterleaved, int channels, int rateHz, double... hz) {
        for (int c = 0; c < channels; c++) {
            float[] in = Signals.channel(input, channels, c);
            float[] out = Signals.channel(toFloats(decodedInterleaved), channels, c);
            double dominant = AudioMath.dominantFrequencyHz(out, out.length / 2, rateHz / 10, rateHz, 100, 2000);
            assertThat(dominant).as("dominant frequency of channel %d", c).isCloseTo(hz[c], offset(2.0));
            int lag = AudioMath.bestLag(in, out, 3000);
            assertThat(AudioMath.alignedCorrelation(in, out, lag)).as("correlation of channel %d", c).isGreaterThan(0.99);
        }
    }

    private static float[] toFloats(short[] samples) {
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] / 32768f;
        }
        return out;
    }
}
