package io.mp3cast.mp3;

import io.mp3cast.testing.TestFrames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class SilentFrameTest {

    @Test
    void aSilentFrameKeepsTheModelsVersionRateBitrateAndModeAndDecodesToDigitalSilence() throws Exception {
        int[] models = {
            TestFrames.header(MpegVersion.MPEG_1, 128, 44100, true, ChannelMode.JOINT_STEREO),
            TestFrames.header(MpegVersion.MPEG_2, 64, 24000, false, ChannelMode.MONO),
            TestFrames.header(MpegVersion.MPEG_2_5, 32, 8000, false, ChannelMode.STEREO),
            TestFrames.header(MpegVersion.MPEG_1, 320, 48000, false, ChannelMode.MONO) & ~0x00010000,  // with CRC
        };
        for (int model : models) {
            byte[] frame = TestFrames.frame(model);
            byte[] silent = SilentFrame.like(frame, 0);
            FrameHeader in = FrameHeader.parse(frame, 0);
            FrameHeader out = FrameHeader.parse(silent, 0);
            assertThat(out.version()).isEqualTo(in.version());
            assertThat(out.sampleRateHz()).isEqualTo(in.sampleRateHz());
            assertThat(out.bitrateKbps()).isEqualTo(in.bitrateKbps());
            assertThat(out.channelMode()).isEqualTo(in.channelMode());
            assertThat(out.padded()).isFalse();
            assertThat(out.crcProtected()).isFalse();
            assertThat(silent).hasSize(out.frameLengthBytes());

            ByteArrayOutputStream mp3 = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                mp3.writeBytes(silent);
            }
            Decoded decoded = Mp3Decoding.decode(mp3.toByteArray());
            assertThat(decoded.frames()).isEqualTo(20);
            assertThat(decoded.length()).isEqualTo(20 * in.samplesPerFrame());
            assertThat(AudioMath.rms(decoded.channel(0), 0, decoded.length())).isZero();
        }
    }

    @Test
    void aModelThatIsNotAHeaderIsRefusedByValue() {
        assertThatThrownBy(() -> SilentFrame.like(new byte[] {1, 2, 3, 4}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x01020304");
    }
}
