package io.mp3cast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.AudioMath;
import org.junit.jupiter.api.Test;

class AudioSourcesTest {
    static float[] readAll(AudioSource s, int max) throws Exception {
        float[] out = new float[max];
        int n = 0;
        int r;
        while (n < max && (r = s.read(out, n, Math.min(1000, max - n))) > 0) {
            n += r;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** 997 Hz: whole hertz, read from the shared one-second table; 997.25 Hz: the phasor. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {997, 997.25})
    void toneSamplesAreTheExactSineToWithinFloatPrecisionEvenAfterAnHour(double hz) throws Exception {
        AudioSource tone = AudioSources.tone(48000, hz);
        float[] buf = new float[48000];
        double step = 2 * Math.PI * hz / 48000;
        for (int second = 0; second < 3600; second++) {
            tone.read(buf, 0, buf.length);
            if (second == 0 || second == 3599) {
                for (int i = 0; i < buf.length; i++) {
                    long n = second * 48000L + i;
                    double exact = AudioSources.DEFAULT_AMPLITUDE * Math.sin((n * step) % (2 * Math.PI));
                    assertThat((double) buf[i]).as("sample %d", n).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    @Test
    void aStereoToneReadInOddPiecesHasTheSameSineOnBothChannelsAcrossTheTablesEnd() throws Exception {
        AudioSource tone = AudioSources.tone(PcmFormat.of(8000, 2, io.mp3cast.pcm.SampleEncoding.FLOAT32_LE), 50);
        float[] s = new float[2 * 8000 * 3];
        int n = 0;
        while (n < s.length) {
            n += tone.read(s, n, Math.min(2 * 777, s.length - n));  // 777-frame pieces straddle each second's end
        }
        double step = 2 * Math.PI * 50 / 8000;
        for (int i = 0; i < s.length / 2; i++) {
            double exact = AudioSources.DEFAULT_AMPLITUDE * Math.sin((i * step) % (2 * Math.PI));
            assertThat((double) s[2 * i]).as("left %d", i).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(s[2 * i + 1]).as("right %d", i).isEqualTo(s[2 * i]);
        }
    }

    @Test
    void toneHasItsFrequencyAndStaysWithinRange() throws Exception {
        float[] s = readAll(AudioSources.tone(24000, 440), 24000);
        assertThat(AudioMath.dominantFrequencyHz(s, 0, 24000, 24000, 300, 600)).isEqualTo(440.0);
        assertThat(AudioMath.rms(s, 0, s.length)).isCloseTo(0.5 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void noiseIsUniformInMinusOneToOne() throws Exception {
        float[] s = readAll(AudioSources.noise(), 48000);
        assertThat(s).hasSize(48000);
        float min = 1;
        float max = -1;
        for (float v : s) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isBetween(-1f, -0.99f);
        assertThat(max).isBetween(0.99f, 1f);
        assertThat(AudioMath.rms(s, 0, s.length)).isCloseTo(1 / Math.sqrt(3), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void limitEndsAfterExactlyTheGivenSecondsOfStereo() throws Exception {
        AudioSource s = AudioSources.limit(AudioSources.silence(PcmFormat.of(44100, 2,
                io.mp3cast.pcm.SampleEncoding.FLOAT32_LE)), 0.5);
        assertThat(readAll(s, 1_000_000)).hasSize(44100);
        assertThat(s.read(new float[10], 0, 10)).isEqualTo(-1);
    }

    @Test
    void chirpSweepsUpwards() throws Exception {
        float[] s = readAll(AudioSources.chirp(PcmFormat.floatMono(24000), 200, 2000, 2), 48000);
        double early = AudioMath.dominantFrequencyHz(s, 0, 2400, 24000, 100, 3000);
        double late = AudioMath.dominantFrequencyHz(s, 40000, 2400, 24000, 100, 3000);
        assertThat(late).isGreaterThan(early * 3);
    }

    @Test
    void aWavFileLoopsSampleExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        float[] tone = io.mp3cast.testing.Signals.toneMix(24000, 1000, 0.5, 440);
        short[] pcm = io.mp3cast.testing.Signals.toShorts(tone);
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(pcm.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (short v : pcm) {
            data.putShort(v);
        }
        java.nio.file.Path file = dir.resolve("t.wav");
        byte[] header = new io.mp3cast.pcm.WavHeader(PcmFormat.of(24000, 1, io.mp3cast.pcm.SampleEncoding.INT16_LE),
                pcm.length * 2L).toBytes();
        java.nio.file.Files.write(file, concat(header, data.array()));

        try (AudioSource looped = AudioSources.wav(file, true)) {
            assertThat(looped.format().sampleRateHz()).isEqualTo(24000);
            float[] s = readAll(looped, 2500);
            assertThat(s).hasSize(2500);
            for (int i = 0; i < 2500; i++) {
                assertThat(s[i]).isEqualTo(pcm[i % 1000] / 32768f);
            }
        }
        try (AudioSource once = AudioSources.wav(file, false)) {
            assertThat(readAll(once, 5000)).hasSize(1000);
        }
        java.nio.file.Files.write(dir.resolve("bad.wav"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertThatThrownBy(() -> AudioSources.wav(dir.resolve("bad.wav"), true)).isInstanceOf(java.io.IOException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void frequenciesAboveNyquistAreRejectedByName() {
        assertThatThrownBy(() -> AudioSources.tone(24000, 13000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frequencyHz not supported: 13000");
    }
}
