package io.mp3cast.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class Mp3StreamWriterTest {

    @Test
    void pcmWrittenInOddPiecesComesOutAsOneStreamThatDecodesToTheTone() throws Exception {
        float[] tone = Signals.toneMix(24000, 48000, 0.5, 440);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Mp3StreamWriter writer = new Mp3StreamWriter(out, PcmFormat.floatMono(24000), EncoderSettings.cbr(64))) {
            for (int at = 0; at < tone.length; at += 777) {
                writer.write(tone, at, Math.min(777, tone.length - at));
                writer.flush();
            }
        }
        Decoded d = Mp3Decoding.decode(out.toByteArray());
        assertThat(d.length()).isGreaterThanOrEqualTo(48000);
        assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 6000, 24000, 24000, 300, 600)).isEqualTo(440.0);
    }

    @Test
    void aFailingOutputStreamSurfacesAsItsIOException() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("client went away");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("client went away");
            }
        };
        Mp3StreamWriter writer = new Mp3StreamWriter(broken, PcmFormat.floatMono(24000), EncoderSettings.cbr(64));
        float[] tone = Signals.toneMix(24000, 24000, 0.5, 440);
        assertThatThrownBy(() -> writer.write(tone, 0, tone.length)).isInstanceOf(IOException.class)
                .hasMessage("client went away");
        assertThatThrownBy(writer::close).isInstanceOf(IOException.class);
    }
}
