package io.mp3cast.mp3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Decodes the encoder's output with JLayer and compares it with what went in. */
class RoundTripTest {
    private static final int MAX_LAG = 3000;

    private static void assumeBackend(EncoderBackend backend) {
        assumeTrue(backend == EncoderBackend.JAVA || Encoding.nativeAvailableOrFail(), "native backend not available");
    }

    @ParameterizedTest(name = "{0} backend")
    @EnumSource(value = EncoderBackend.class, names = {"NATIVE", "JAVA"})
    void a24kHzMonoToneMixAt64kbpsDecodesBackToTheInput(EncoderBackend backend) {
        assumeBackend(backend);
        float[] in = Signals.toneMix(24000, 5 * 24000, 0.8, 300, 770, 1800);
        byte[] mp3 = Encoding.encode(PcmFormat.floatMono(24000), EncoderSettings.cbr(64).withBackend(backend), in);

        Decoded out = Mp3Decoding.decode(mp3);

        assertThat(out.sampleRateHz()).isEqualTo(24000);
        assertThat(out.channels()).isEqualTo(1);
        int lag = AudioMath.bestLag(in, out.channel(0), MAX_LAG);
        assertThat(lag).as("alignment lag").isEqualTo(Mp3Decoding.CODEC_DELAY_SAMPLES);
        assertThat(AudioMath.alignedCorrelation(in, out.channel(0), lag)).isGreaterThanOrEqualTo(0.99);
        assertDecodedLengthWithinDelayAndPadding(in.length, out, 576);
    }

    @ParameterizedTest(name = "{0} backend")
    @EnumSource(value = EncoderBackend.class, names = {"NATIVE", "JAVA"})
    void a44kHzStereoSignalAt128kbpsKeepsLeftAndRightApartAndInPlace(EncoderBackend backend) {
        assumeBackend(backend);
        float[] left = Signals.toneMix(44100, 5 * 44100, 0.7, 440, 1250);
        float[] right = Signals.toneMix(44100, 5 * 44100, 0.7, 660, 2900);
        PcmFormat format = new PcmFormat(44100, 2, SampleEncoding.FLOAT32_LE);
        byte[] mp3 = Encoding.encode(format, EncoderSettings.cbr(128).withBackend(backend),
                Signals.interleave(left, right));

        Decoded out = Mp3Decoding.decode(mp3);

        assertThat(out.sampleRateHz()).isEqualTo(44100);
        assertThat(out.channels()).isEqualTo(2);
        int lag = AudioMath.bestLag(left, out.channel(0), MAX_LAG);
        assertThat(lag).isEqualTo(Mp3Decoding.CODEC_DELAY_SAMPLES);
        assertThat(AudioMath.alignedCorrelation(left, out.channel(0), lag)).isGreaterThanOrEqualTo(0.99);
        assertThat(AudioMath.alignedCorrelation(right, out.channel(1), lag)).isGreaterThanOrEqualTo(0.99);
        assertThat(Math.abs(AudioMath.alignedCorrelation(left, out.channel(1), lag)))
                .as("left input against right output: channels must not be swapped or mixed").isLessThan(0.1);
        assertDecodedLengthWithinDelayAndPadding(left.length, out, 1152);
    }

    /** All input is there after the delay, and no more than the delay plus two frames of padding follows. */
    private static void assertDecodedLengthWithinDelayAndPadding(int inputLength, Decoded out, int samplesPerFrame) {
        assertThat(out.length())
                .isGreaterThanOrEqualTo(inputLength + Mp3Decoding.CODEC_DELAY_SAMPLES)
                .isLessThanOrEqualTo(inputLength + Mp3Decoding.CODEC_DELAY_SAMPLES + 2 * samplesPerFrame);
    }
}
