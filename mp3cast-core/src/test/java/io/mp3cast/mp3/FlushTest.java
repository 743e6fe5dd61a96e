package io.mp3cast.mp3;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** flush() ends an utterance audibly while the stream goes on. */
class FlushTest {

    @ParameterizedTest(name = "{0} backend")
    @EnumSource(value = EncoderBackend.class, names = {"NATIVE", "JAVA"})
    void flushPushesOutAllAudioSoFarAndTheStreamGoesOnDecodable(EncoderBackend backend) {
        org.junit.jupiter.api.Assumptions.assumeTrue(backend == EncoderBackend.JAVA || Encoding.nativeAvailableOrFail());
        float[] utterance = Signals.toneMix(24000, 12000, 0.8, 700);
        Encoding.Collector sink = new Encoding.Collector();
        byte[] afterFlush;
        try (Mp3Encoder encoder = Mp3Encoder.open(PcmFormat.floatMono(24000), EncoderSettings.cbr(64).withBackend(backend))) {
            encoder.encode(utterance, 0, utterance.length, sink);
            encoder.flush(sink);
            afterFlush = sink.bytes();
            encoder.encode(utterance, 0, utterance.length, sink);
            encoder.finish(sink);
        }

        Decoded flushed = Mp3Decoding.decode(afterFlush);
        int lag = AudioMath.bestLag(utterance, flushed.channel(0), 2000);
        assertThat(flushed.length()).as("the whole utterance came out at flush")
                .isGreaterThanOrEqualTo(utterance.length + lag);
        assertThat(AudioMath.alignedCorrelation(utterance, flushed.channel(0), lag)).isGreaterThan(0.98);
        Decoded all = Mp3Decoding.decode(sink.bytes());
        assertThat(all.length()).isGreaterThan(flushed.length() + utterance.length);
    }
}
