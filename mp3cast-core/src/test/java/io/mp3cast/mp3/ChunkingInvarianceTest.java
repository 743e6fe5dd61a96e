package io.mp3cast.mp3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Signals;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class ChunkingInvarianceTest {
    private static final PcmFormat MONO_24K = PcmFormat.floatMono(24000);
    private static final PcmFormat STEREO_44K = new PcmFormat(44100, 2, SampleEncoding.FLOAT32_LE);
    private static float[] monoSignal;
    private static float[] stereoSignal;
    private static final byte[][] WHOLE_MONO = new byte[2][];
    private static final byte[][] WHOLE_STEREO = new byte[2][];

    @BeforeAll
    static void encodeInOneCall() {
        monoSignal = Signals.toneMix(24000, 10 * 24000, 0.8, 220, 1330, 3100);
        float[] l = Signals.toneMix(44100, 10 * 44100, 0.7, 440);
        float[] r = Signals.toneMix(44100, 10 * 44100, 0.7, 1000, 2500);
        stereoSignal = Signals.interleave(l, r);
        for (EncoderBackend b : new EncoderBackend[] {EncoderBackend.NATIVE, EncoderBackend.JAVA}) {
            if (b == EncoderBackend.JAVA || Encoding.nativeAvailableOrFail()) {
                WHOLE_MONO[b.ordinal() - 1] = Encoding.encode(MONO_24K, settings(b, 64), monoSignal);
                WHOLE_STEREO[b.ordinal() - 1] = Encoding.encode(STEREO_44K, settings(b, 128), stereoSignal);
            }
        }
    }

    private static EncoderSettings settings(EncoderBackend backend, int kbps) {
        return EncoderSettings.cbr(kbps).withBackend(backend);
    }

    static Stream<Arguments> monoChunks() {
        return Stream.of(EncoderBackend.NATIVE, EncoderBackend.JAVA)
                .flatMap(b -> Stream.of(1, 37, 480, 1024, 24000).map(n -> Arguments.of(b, n)));
    }

    static Stream<Arguments> stereoChunks() {
        // Odd chunk sizes split stereo pairs between calls.
        return Stream.of(EncoderBackend.NATIVE, EncoderBackend.JAVA)
                .flatMap(b -> Stream.of(37, 1023, 44100).map(n -> Arguments.of(b, n)));
    }

    @ParameterizedTest(name = "{0} backend, chunks of {1} samples")
    @MethodSource("monoChunks")
    void aTenSecondMonoSignalFedInChunksGivesTheSameBytesAsOneCall(EncoderBackend backend, int chunk) {
        byte[] whole = WHOLE_MONO[backend.ordinal() - 1];
        assumeTrue(whole != null, "native backend not available");
        byte[] chunked = Encoding.encode(MONO_24K, settings(backend, 64), monoSignal, chunk);
        assertThat(whole.length).isGreaterThan(10 * 64000 / 8 * 9 / 10);
        assertThat(Arrays.equals(chunked, whole))
                .as("chunked output (%d bytes) equals one-call output (%d bytes)", chunked.length, whole.length)
                .isTrue();
    }

    @ParameterizedTest(name = "{0} backend, chunks of {1} samples")
    @MethodSource("stereoChunks")
    void aTenSecondStereoSignalFedInChunksGivesTheSameBytesAsOneCall(EncoderBackend backend, int chunk) {
        byte[] whole = WHOLE_STEREO[backend.ordinal() - 1];
        assumeTrue(whole != null, "native backend not available");
        byte[] chunked = Encoding.encode(STEREO_44K, settings(backend, 128), stereoSignal, chunk);
        assertThat(Arrays.equals(chunked, whole))
                .as("chunked output (%d bytes) equals one-call output (%d bytes)", chunked.length, whole.length)
                .isTrue();
    }
}
