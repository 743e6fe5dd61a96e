package io.mp3cast.mp3;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import org.junit.jupiter.api.Test;

class BackendAgreementTest {

    @Test
    void theNativeLibraryLoadsWhereTheTestsRun() {
        // CI installs libmp3lame0: this fails (never skips) when it cannot be loaded.
        if (!Boolean.getBoolean(Encoding.ALLOW_NO_NATIVE_PROPERTY)) {
            assertThat(Mp3Encoder.nativeLoadFailure()).as("libmp3lame load failure").isEmpty();
            assertThat(Mp3Encoder.resolveBackend(EncoderBackend.AUTO)).isEqualTo(EncoderBackend.NATIVE);
        }
    }

    @Test
    void bothBackendsDecodeToTheSameLengthAndTheSameSignal() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Encoding.nativeAvailableOrFail());
        float[] in = Signals.toneMix(24000, 4 * 24000, 0.8, 400, 1100);
        PcmFormat format = PcmFormat.floatMono(24000);

        Decoded fromNative = Mp3Decoding.decode(
                Encoding.encode(format, EncoderSettings.cbr(64).withBackend(EncoderBackend.NATIVE), in));
        Decoded fromJava = Mp3Decoding.decode(
                Encoding.encode(format, EncoderSettings.cbr(64).withBackend(EncoderBackend.JAVA), in));

        assertThat(fromJava.length()).isEqualTo(fromNative.length());
        assertThat(AudioMath.correlation(fromNative.channel(0), 0, fromJava.channel(0), 0, fromNative.length()))
                .isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void aBackendAskedForExplicitlyIsTheOneUsed() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Encoding.nativeAvailableOrFail());
        try (Mp3Encoder java = Mp3Encoder.open(PcmFormat.floatMono(24000), EncoderSettings.DEFAULT.withBackend(EncoderBackend.JAVA));
             Mp3Encoder nat = Mp3Encoder.open(PcmFormat.floatMono(24000), EncoderSettings.DEFAULT.withBackend(EncoderBackend.NATIVE))) {
            assertThat(java.backend()).isEqualTo(EncoderBackend.JAVA);
            assertThat(nat.backend()).isEqualTo(EncoderBackend.NATIVE);
        }
    }

    @Test
    void theSystemPropertyOverridesTheAutomaticChoice() {
        String old = System.getProperty(EncoderBackend.PROPERTY);
        System.setProperty(EncoderBackend.PROPERTY, "java");
        try {
            assertThat(Mp3Encoder.resolveBackend(EncoderBackend.AUTO)).isEqualTo(EncoderBackend.JAVA);
            assertThat(Mp3Encoder.resolveBackend(EncoderBackend.NATIVE)).isEqualTo(EncoderBackend.NATIVE);
        } finally {
            if (old == null) {
                System.clearProperty(EncoderBackend.PROPERTY);
            } else {
                System.setProperty(EncoderBackend.PROPERTY, old);
            }
        }
    }
}
