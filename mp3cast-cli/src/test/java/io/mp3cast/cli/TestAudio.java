package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.WavHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Generated PCM and WAV bytes, and the measurements tests compare decoded audio with. */
final class TestAudio {
    private TestAudio() {}

    /** Interleaved int16 little-endian stereo at half scale: {@code leftHz} left, {@code rightHz} right. */
    static byte[] int16Stereo(int rateHz, double seconds, double leftHz, double rightHz) {
        int frames = (int) Math.round(rateHz * seconds);
        ByteBuffer b = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            b.putShort(halfScale(leftHz, i, rateHz)).putShort(halfScale(rightHz, i, rateHz));
        }
        return b.array();
    }

    /** Mono float32 little-endian at half scale: what a speech synthesizer hands over. */
    static byte[] float32Mono(int rateHz, double seconds, double hz) {
        int frames = (int) Math.round(rateHz * seconds);
        ByteBuffer b = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            b.putFloat((float) (0.5 * Math.sin(2 * Math.PI * hz * i / rateHz)));
        }
        return b.array();
    }

    static byte[] wav(PcmFormat format, byte[] pcm) {
        byte[] header = new WavHeader(format, pcm.length).toBytes();
        return ByteBuffer.allocate(header.length + pcm.length).put(header).put(pcm).array();
    }

    /** Power of one channel at {@code hz} (Goertzel), normalised by length so channels compare. */
    static double power(short[] interleaved, int channels, int channel, int rateHz, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / rateHz);
        double s1 = 0;
        double s2 = 0;
        for (int i = channel; i < interleaved.length; i += channels) {
            double s = interleaved[i] / 32768.0 + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        int n = interleaved.length / channels;
        return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double) n * n);
    }

    /** Root mean square of one channel, full scale = 1. */
    static double rms(short[] interleaved, int channels, int channel) {
        double sum = 0;
        for (int i = channel; i < interleaved.length; i += channels) {
            sum += (interleaved[i] / 32768.0) * (interleaved[i] / 32768.0);
        }
        return Math.sqrt(sum / (interleaved.length / channels));
    }

    private static short halfScale(double hz, int i, int rateHz) {
        return (short) Math.round(16383 * Math.sin(2 * Math.PI * hz * i / rateHz));
    }
}
