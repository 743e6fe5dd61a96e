package io.mp3cast.mp3;

import io.mp3cast.testing.TestFrames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameHeaderTest {

    @ParameterizedTest(name = "{0} is {1} at {2} kbps, {3} Hz, padded {4}, {5}, CRC {6}: {7} bytes")
    @CsvSource({
            "FFFB9064, MPEG_1,   128, 44100, false, JOINT_STEREO, false,  417",
            "FFFB9264, MPEG_1,   128, 44100, true,  JOINT_STEREO, false,  418",
            "FFFB9480, MPEG_1,   128, 48000, false, DUAL_CHANNEL, false,  384",
            "FFFAEA00, MPEG_1,   320, 32000, true,  STEREO,       true,  1441",
            "FFF384C4, MPEG_2,    64, 24000, false, MONO,         false,  192",
            "FFF35240, MPEG_2,    40, 22050, true,  JOINT_STEREO, false,  131",
            "FFE318C4, MPEG_2_5,   8,  8000, false, MONO,         false,   72",
            "FFE2EAC0, MPEG_2_5, 160,  8000, true,  MONO,         true,  1441",
    })
    void parsesKnownHeadersToTheirFieldsAndFrameLength(String hex, MpegVersion version, int bitrateKbps,
            int sampleRateHz, boolean padded, ChannelMode mode, boolean crc, int lengthBytes) throws Exception {
        FrameHeader h = FrameHeader.parse(HexFormat.of().parseHex(hex), 0);

        assertThat(h).isEqualTo(new FrameHeader(version, bitrateKbps, sampleRateHz, padded, mode, crc));
        assertThat(h.frameLengthBytes()).isEqualTo(lengthBytes);
    }

    @Test
    void theLongestFrameIsMaxFrameBytes() throws Exception {
        assertThat(FrameHeader.parse(TestFrames.word("FFFBEA00")).frameLengthBytes())
                .isEqualTo(FrameHeader.MAX_FRAME_BYTES);
    }

    @Test
    void framesLastTheirSamplesAtTheirRate() throws Exception {
        assertThat(FrameHeader.parse(TestFrames.word("FFFB9064")).durationMicros()).isEqualTo(26_122);
        assertThat(FrameHeader.parse(TestFrames.word("FFF384C4")).durationMicros()).isEqualTo(24_000);
        assertThat(FrameHeader.parse(TestFrames.word("FFE318C4")).samplesPerFrame()).isEqualTo(576);
    }

    @ParameterizedTest(name = "{0} is rejected naming {1}")
    @CsvSource({
            "00000000, 'sync: got 0x000, expected 0x7FF'",
            "FFEB9064, 'version: got reserved (01)'",
            "FFFF9064, 'layer: got Layer I, expected Layer III'",
            "FFFD9064, 'layer: got Layer II, expected Layer III'",
            "FFF99064, 'layer: got reserved'",
            "FFFB0064, 'bitrate: got free format'",
            "FFFBF064, 'bitrate: got index 15 (bad), expected 1-14'",
            "FFFB9C64, 'sample rate: got index 3 (reserved), expected 0-2'",
            "FFFB9066, 'emphasis: got 2 (reserved)'",
    })
    void rejectsInvalidHeadersWithAMessageNamingTheField(String hex, String message) {
        assertThatThrownBy(() -> FrameHeader.parse(TestFrames.word(hex)))
                .isInstanceOf(Mp3FormatException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void theQuickValidityCheckAgreesWithParseOnEveryFieldValue() {
        // Every combination of the fields parse checks, plus padding: 2^13 words.
        for (int fields = 0; fields < 1 << 13; fields++) {
            int h = 0xFFE00000 | (fields >>> 11) << 19 | ((fields >>> 9) & 3) << 17 | ((fields >>> 5) & 0xF) << 12
                    | ((fields >>> 3) & 3) << 10 | ((fields >>> 2) & 1) << 9 | (fields & 3) | 0x44;
            assertThat(FrameHeader.isValid(h)).as("word %08X", h).isEqualTo(parses(h));
            if (FrameHeader.isValid(h)) {
                assertThat(FrameHeader.decode(h)).isEqualTo(parseOrNull(h));
                assertThat(FrameHeader.frameLengthBytes(h)).isEqualTo(parseOrNull(h).frameLengthBytes());
            }
        }
    }

    @Test
    void noValidHeaderDescribesAFrameLongerThanMaxFrameBytes() {
        int longest = 0;
        for (int fields = 0; fields < 1 << 9; fields++) {
            int h = 0xFFE20000 | (fields >>> 7) << 19 | ((fields >>> 3) & 0xF) << 12 | ((fields >>> 1) & 3) << 10
                    | (fields & 1) << 9;
            if (FrameHeader.isValid(h)) {
                longest = Math.max(longest, FrameHeader.frameLengthBytes(h));
            }
        }
        assertThat(longest).isEqualTo(FrameHeader.MAX_FRAME_BYTES);
    }

    private static boolean parses(int h) {
        return parseOrNull(h) != null;
    }

    private static FrameHeader parseOrNull(int h) {
        try {
            return FrameHeader.parse(h);
        } catch (Mp3FormatException e) {
            return null;
        }
    }
}
