package io.mp3cast.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class SampleEncodingTest {

    @Test
    void everyEncodingParsesBackFromItsShortName() {
        for (SampleEncoding e : SampleEncoding.values()) {
            assertThat(SampleEncoding.parse(e.shortName())).isEqualTo(e);
        }
    }

    @Test
    void shortNamesAreFfmpegsRawFormatNames() {
        assertThat(SampleEncoding.FLOAT32_LE.shortName()).isEqualTo("f32le");
        assertThat(SampleEncoding.INT16_LE.shortName()).isEqualTo("s16le");
        assertThat(SampleEncoding.INT16_BE.shortName()).isEqualTo("s16be");
    }

    @Test
    void parseIgnoresCaseAndSurroundingSpace() {
        assertThat(SampleEncoding.parse(" F32LE ")).isEqualTo(SampleEncoding.FLOAT32_LE);
    }

    @Test
    void unknownNameIsRejectedNamingItAndTheChoices() {
        assertThatIllegalArgumentException().isThrownBy(() -> SampleEncoding.parse("u8"))
                .withMessage("sample format not supported: 'u8' (f32le, s16le or s16be)");
    }
}
