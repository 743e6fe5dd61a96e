package io.mp3cast.mp3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad formats and settings fail naming the value; bad samples are made safe without moving the rest. */
class InputSafetyTest {
    private static final EncoderSettings JAVA_64 = EncoderSettings.cbr(64).withBackend(EncoderBackend.JAVA);

    @ParameterizedTest
    @ValueSource(ints = {0, 7999, 22051, 96000, -44100})
    void anUnsupportedSampleRateIsRejectedNamingIt(int rate) {
        assertThatThrownBy(() -> PcmFormat.floatMono(rate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleRateHz not supported: " + rate);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 6})
    void anUnsupportedChannelCountIsRejectedNamingIt(int channels) {
        assertThatThrownBy(() -> new PcmFormat(24000, channels, SampleEncoding.INT16_LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels not supported: " + channels);
    }

    @Test
    void aBitrateTheMpegVersionCannotCarryIsRejectedNamingItAndTheLegalOnes() {
        assertThatThrownBy(() -> Mp3Encoder.open(PcmFormat.floatMono(24000), EncoderSettings.cbr(320)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bitrateKbps not supported: 320 for MPEG-2 (24000 Hz)")
                .hasMessageContaining("160");
        assertThatThrownBy(() -> Mp3Encoder.open(PcmFormat.floatMono(44100), EncoderSettings.cbr(8)))
                .hasMessageContaining("bitrateKbps not supported: 8 for MPEG-1");
        assertThatThrownBy(() -> EncoderSettings.cbr(1000)).hasMessageContaining("bitrateKbps not supported: 1000");
    }

    @Test
    void outOfRangeQualitiesAreRejectedNamingThem() {
        assertThatThrownBy(() -> EncoderSettings.DEFAULT.withLameQuality(10))
                .hasMessageContaining("lameQuality not supported: 10");
        assertThatThrownBy(() -> EncoderSettings.vbr(12)).hasMessageContaining("vbrQuality not supported: 12");
        assertThatThrownBy(() -> EncoderBackend.parse("ffmpeg")).hasMessageContaining("encoder not supported: ffmpeg");
    }

    @ParameterizedTest(name = "{0} backend")
    @EnumSource(value = EncoderBackend.class, names = {"NATIVE", "JAVA"})
    void nanInfinityAndOverRangeSamplesEncodeExactlyAsTheirSafeValues(EncoderBackend backend) {
        org.junit.jupiter.api.Assumptions.assumeTrue(backend == EncoderBackend.JAVA || Encoding.nativeAvailableOrFail());
        float[] dirty = Signals.toneMix(24000, 3 * 24000, 0.8, 500);
        float[] safe = dirty.clone();
        for (int i = 20000; i < 30000; i++) {
            dirty[i] *= 3f; // clips
            safe[i] = Math.max(-1f, Math.min(1f, dirty[i]));
        }
        int[] holes = {1000, 1001, 5000, 40000, 60000};
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE};
        for (int k = 0; k < holes.length; k++) {
            dirty[holes[k]] = bad[k];
            safe[holes[k]] = Float.isFinite(bad[k]) ? 1f : 0f;
        }
        PcmFormat format = PcmFormat.floatMono(24000);
        EncoderSettings settings = EncoderSettings.cbr(64).withBackend(backend);

        byte[] fromDirty = Encoding.encode(format, settings, dirty, 777);
        byte[] fromSafe = Encoding.encode(format, settings, safe);

        assertThat(fromDirty).as("dirty input encodes exactly like its sanitised twin").isEqualTo(fromSafe);
        Decoded out = Mp3Decoding.decode(fromDirty);
        int lag = AudioMath.bestLag(safe, out.channel(0), 3000);
        assertThat(lag).as("no sample was dropped: the delay is unchanged").isEqualTo(Mp3Decoding.CODEC_DELAY_SAMPLES);
        assertThat(AudioMath.alignedCorrelation(safe, out.channel(0), lag)).isGreaterThan(0.98);
        // The clipped stretch decodes near full scale, not wrapped around to small or negative values.
        assertThat(AudioMath.rms(out.channel(0), 22000 + lag, 6000)).isGreaterThan(0.75);
    }

    @Test
    void theEncoderCountsTheSamplesItHadToRepair() {
        try (Mp3Encoder encoder = Mp3Encoder.open(PcmFormat.floatMono(24000), JAVA_64)) {
            encoder.encode(new float[] {Float.NaN, 2f, -3f, 0.5f, Float.NEGATIVE_INFINITY}, 0, 5, (d, o, l) -> { });
            assertThat(encoder.nonFiniteSamples()).isEqualTo(2);
            assertThat(encoder.clippedSamples()).isEqualTo(2);
            assertThat(encoder.sampleFramesIn()).isEqualTo(5);
        }
    }

    @Test
    void int16AndFloat32InputOfTheSameSignalGiveTheSameMp3() {
        float[] f = Signals.toneMix(24000, 2 * 24000, 0.8, 440, 880);
        short[] s = Signals.toShorts(f);
        float[] fromShorts = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            fromShorts[i] = s[i] / 32768f;
        }
        Encoding.Collector shortSink = new Encoding.Collector();
        try (Mp3Encoder encoder = Mp3Encoder.open(PcmFormat.of(24000, 1, SampleEncoding.INT16_LE), JAVA_64)) {
            encoder.encode(s, 0, s.length, shortSink);
            encoder.finish(shortSink);
        }
        assertThat(shortSink.bytes()).isEqualTo(Encoding.encode(PcmFormat.floatMono(24000), JAVA_64, fromShorts));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SampleEncoding.class)
    void bytesFedInRaggedPiecesLoseNoSample(SampleEncoding encoding) {
        PcmFormat format = new PcmFormat(24000, 2, encoding);
        float[] signal = Signals.interleave(Signals.toneMix(24000, 24000, 0.6, 330),
                Signals.toneMix(24000, 24000, 0.6, 990));
        byte[] pcm = toBytes(signal, encoding);
        byte[] whole = encodeBytes(format, pcm, new int[] {pcm.length});
        byte[] ragged = encodeBytes(format, pcm, new int[] {1, 3, 5, 7, 2, 11, 4093});

        assertThat(ragged).isEqualTo(whole);
        Decoded out = Mp3Decoding.decode(ragged);
        assertThat(out.length()).isGreaterThanOrEqualTo(24000 + Mp3Decoding.CODEC_DELAY_SAMPLES);
    }

    @Test
    void aPartialSampleFrameIsHeldUntilTheRestArrives() {
        try (Mp3Encoder encoder = Mp3Encoder.open(new PcmFormat(24000, 2, SampleEncoding.FLOAT32_LE), JAVA_64)) {
            encoder.encode(ByteBuffer.wrap(new byte[13]), (d, o, l) -> { });
            assertThat(encoder.sampleFramesIn()).isEqualTo(1);
            assertThat(encoder.pendingBytes()).isEqualTo(5);
            encoder.encode(ByteBuffer.wrap(new byte[3]), (d, o, l) -> { });
            assertThat(encoder.sampleFramesIn()).isEqualTo(2);
            assertThat(encoder.pendingBytes()).isZero();
        }
    }

    @Test
    void encodingAfterFinishOrCloseFailsAndCloseIsIdempotent() {
        Mp3Encoder encoder = Mp3Encoder.open(PcmFormat.floatMono(24000), JAVA_64);
        encoder.finish((d, o, l) -> { });
        assertThatThrownBy(() -> encoder.encode(new float[10], 0, 10, (d, o, l) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
        encoder.close();
        encoder.close();
        assertThatThrownBy(() -> encoder.flush((d, o, l) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static byte[] encodeBytes(PcmFormat format, byte[] pcm, int[] pieceSizes) {
        Encoding.Collector sink = new Encoding.Collector();
        Random random = new Random(7);
        try (Mp3Encoder encoder = Mp3Encoder.open(format, JAVA_64)) {
            int off = 0;
            while (off < pcm.length) {
                int n = Math.min(pieceSizes[random.nextInt(pieceSizes.length)], pcm.length - off);
                encoder.encode(ByteBuffer.wrap(pcm, off, n), sink);
                off += n;
            }
            encoder.finish(sink);
        }
        return sink.bytes();
    }

    private static byte[] toBytes(float[] samples, SampleEncoding encoding) {
        ByteBuffer buf = ByteBuffer.allocate(samples.length * encoding.bytesPerSample());
        buf.order(encoding == SampleEncoding.INT16_BE ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        short[] shorts = Signals.toShorts(samples);
        for (int i = 0; i < samples.length; i++) {
            if (encoding == SampleEncoding.FLOAT32_LE) {
                buf.putFloat(samples[i]);
            } else {
                buf.putShort(shorts[i]);
            }
        }
        return buf.array();
    }
}
