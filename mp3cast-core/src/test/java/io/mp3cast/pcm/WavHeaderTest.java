package io.mp3cast.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WavHeaderTest {
    private static final byte[] SAMPLES = {1, 2, 3, 4, 5, 6, 7, 8};

    /** The first 44 bytes {@code sox -n -r 24000 -c 1 -b 16 t.wav synth 0.01 sine 440} wrote, samples after. */
    private static final String SOX_INT16_MONO = "52494646040200005741564566 6d7420100000000100010"
            + "0c05d000080bb0000020010006461746 1e0010000";
    /** {@code sox -n -r 24000 -c 2 -e floating-point -b 32 t.wav ...}: an 18-byte fmt, then a 'fact' chunk. */
    private static final String SOX_FLOAT32_STEREO = "52494646b20700005741564566 6d74201200000003000200c05d"
            + "000000ee02000800200000006661637404000000f0000000646174618007 0000";

    @Test
    void soxInt16MonoHeaderGivesItsFormatAndLength() throws IOException {
        WavHeader header = read(hex(SOX_INT16_MONO));

        assertThat(header).isEqualTo(new WavHeader(PcmFormat.of(24000, 1, SampleEncoding.INT16_LE), 480));
    }

    @Test
    void soxFloat32StereoHeaderSkipsTheFactChunk() throws IOException {
        WavHeader header = read(hex(SOX_FLOAT32_STEREO));

        assertThat(header).isEqualTo(new WavHeader(PcmFormat.of(24000, 2, SampleEncoding.FLOAT32_LE), 1920));
    }

    @Test
    void readingStopsAtTheFirstSampleSoTheStreamYieldsTheAudio() throws IOException {
        byte[] wav = RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 2, 44100, 16))
                .chunkHeader("data", SAMPLES.length).bytes(SAMPLES).toByteArray();
        InputStream in = new ByteArrayInputStream(wav);

        WavHeader header = WavHeader.read(in);

        assertThat(header.format()).isEqualTo(PcmFormat.of(44100, 2, SampleEncoding.INT16_LE));
        assertThat(header.dataBytes()).isEqualTo(SAMPLES.length);
        assertThat(in.readAllBytes()).isEqualTo(SAMPLES);
    }

    @Test
    void float32HeaderGivesFloatSamples() throws IOException {
        WavHeader header = read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(3, 1, 48000, 32))
                .chunkHeader("data", 4800).toByteArray());

        assertThat(header.format()).isEqualTo(PcmFormat.of(48000, 1, SampleEncoding.FLOAT32_LE));
    }

    @Test
    void extensibleFormatTakesItsEncodingFromTheSubFormatGuid() throws IOException {
        WavHeader pcm = read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmtExtensible(1, 2, 32000, 16))
                .chunkHeader("data", 64).toByteArray());
        WavHeader ieee = read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmtExtensible(3, 2, 32000, 32))
                .chunkHeader("data", 64).toByteArray());

        assertThat(pcm.format().encoding()).isEqualTo(SampleEncoding.INT16_LE);
        assertThat(ieee.format().encoding()).isEqualTo(SampleEncoding.FLOAT32_LE);
    }

    @Test
    void listChunkBeforeDataIsSkipped() throws IOException {
        byte[] info = new RiffBytes().fourCc("INFO").chunk("ISFT", "Lavf60.16.100\0".getBytes()).toByteArray();
        byte[] wav = RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 1, 16000, 16)).chunk("LIST", info)
                .chunkHeader("data", SAMPLES.length).bytes(SAMPLES).toByteArray();
        InputStream in = new ByteArrayInputStream(wav);

        assertThat(WavHeader.read(in).dataBytes()).isEqualTo(SAMPLES.length);
        assertThat(in.readAllBytes()).isEqualTo(SAMPLES);
    }

    @Test
    void oddSizedChunkIsFollowedByItsPadByte() throws IOException {
        byte[] wav = RiffBytes.wave().chunk("junk", new byte[] {9, 9, 9}).chunk("fmt ", RiffBytes.fmt(1, 1, 8000, 16))
                .chunk("note", new byte[] {7}).chunkHeader("data", SAMPLES.length).bytes(SAMPLES).toByteArray();
        InputStream in = new ByteArrayInputStream(wav);

        assertThat(WavHeader.read(in).format().sampleRateHz()).isEqualTo(8000);
        assertThat(in.readAllBytes()).isEqualTo(SAMPLES);
    }

    @Test
    void streamingDataSizesMeanUntilTheEndOfTheStream() throws IOException {
        for (long size : new long[] {0xFFFF_FFFFL, 0}) {
            WavHeader header = read(RiffBytes.riff("RIFF", size, "WAVE").chunk("fmt ", RiffBytes.fmt(1, 2, 44100, 16))
                    .chunkHeader("data", size).toByteArray());

            assertThat(header.dataBytes()).isEqualTo(WavHeader.UNTIL_END_OF_STREAM);
            assertThat(header.isLengthKnown()).isFalse();
        }
    }

    @Test
    void rf64TakesTheDataLengthFromItsDs64Chunk() throws IOException {
        long fiveGiB = 5L << 30;
        byte[] ds64 = RiffBytes.le(28).putLong(fiveGiB + 100).putLong(fiveGiB).putLong(fiveGiB / 4).putInt(0).array();
        WavHeader header = read(RiffBytes.riff("RF64", 0xFFFF_FFFFL, "WAVE").chunk("ds64", ds64)
                .chunk("fmt ", RiffBytes.fmt(1, 2, 48000, 16)).chunkHeader("data", 0xFFFF_FFFFL).toByteArray());

        assertThat(header.dataBytes()).isEqualTo(fiveGiB);
    }

    @Test
    void headerArrivingOneByteAtATimeParsesTheSame() throws IOException {
        byte[] wav = hex(SOX_FLOAT32_STEREO);

        assertThat(WavHeader.read(new OneByteAtATime(wav))).isEqualTo(read(wav));
    }

    @Test
    void writtenHeadersReadBackAsTheyWereWritten() throws IOException {
        for (SampleEncoding encoding : new SampleEncoding[] {SampleEncoding.INT16_LE, SampleEncoding.FLOAT32_LE}) {
            WavHeader written = new WavHeader(PcmFormat.of(22050, 2, encoding), 88200);

            assertThat(read(written.toBytes())).isEqualTo(written);
        }
    }

    @Test
    void writtenInt16HeaderIsTheCanonical44Bytes() {
        byte[] bytes = new WavHeader(PcmFormat.of(24000, 1, SampleEncoding.INT16_LE), 480).toBytes();

        assertThat(bytes).isEqualTo(hex(SOX_INT16_MONO));
    }

    @Test
    void headerOfUnknownLengthIsWrittenWithStreamingSizes() throws IOException {
        WavHeader live = new WavHeader(PcmFormat.floatMono(24000), WavHeader.UNTIL_END_OF_STREAM);
        byte[] bytes = live.toBytes();

        assertThat(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length)).containsOnly((byte) 0xFF);
        assertThat(read(bytes)).isEqualTo(live);
    }

    @Test
    void truncatedHeaderNamesWhereItEnded() {
        byte[] wav = RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 2, 44100, 16)).toByteArray();

        assertThatThrownBy(() -> read(Arrays.copyOf(wav, 30)))
                .isInstanceOf(PcmFormatException.class)
                .hasMessage("truncated WAV header: stream ended at byte 30 in fmt chunk, expected 6 more bytes");
        assertThatThrownBy(() -> read(wav))
                .hasMessage("truncated WAV header: stream ended at byte 36 in chunk id, expected 4 more bytes");
    }

    @Test
    void twentyFourBitSamplesAreRejectedNamingTheField() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 2, 44100, 24))
                .chunkHeader("data", 0).toByteArray()))
                .isInstanceOf(PcmFormatException.class)
                .hasMessage("bitsPerSample: got 24 (int), expected 16 (int) or 32 (float)");
    }

    @Test
    void sixtyFourBitFloatsAreRejected() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(3, 1, 44100, 64))
                .chunkHeader("data", 0).toByteArray()))
                .hasMessage("bitsPerSample: got 64 (float), expected 16 (int) or 32 (float)");
    }

    @Test
    void sampleRateMp3CannotCarryIsRejected() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 1, 22051, 16))
                .chunkHeader("data", 0).toByteArray()))
                .isInstanceOf(PcmFormatException.class)
                .hasMessageStartingWith("sampleRateHz not supported: 22051")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moreThanTwoChannelsAreRejected() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(1, 6, 48000, 16))
                .chunkHeader("data", 0).toByteArray()))
                .hasMessageStartingWith("channels not supported: 6");
    }

    @Test
    void compressedFormatTagsAreRejected() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", RiffBytes.fmt(0x55, 2, 44100, 0))
                .chunkHeader("data", 0).toByteArray()))
                .hasMessage("formatTag: got 0x0055, expected 0x0001 (PCM), 0x0003 (IEEE float) or 0xFFFE (extensible)");
    }

    @Test
    void extensibleWithAnUnknownSubFormatIsRejected() {
        byte[] fmt = RiffBytes.fmtExtensible(1, 2, 44100, 16);
        fmt[39] = 0x72;

        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", fmt).chunkHeader("data", 0).toByteArray()))
                .hasMessage("subFormat: got 00000001-0000-0010-8000-00aa00389b72, expected PCM"
                        + " (00000001-0000-0010-8000-00aa00389b71) or IEEE float (00000003-0000-0010-8000-00aa00389b71)");
    }

    @Test
    void blockAlignThatDisagreesWithTheSampleSizeIsRejected() {
        byte[] fmt = RiffBytes.fmt(1, 2, 44100, 16);
        fmt[12] = 2;

        assertThatThrownBy(() -> read(RiffBytes.wave().chunk("fmt ", fmt).chunkHeader("data", 0).toByteArray()))
                .hasMessage("blockAlign: got 2, expected 4 (2 channels of 16 bits)");
    }

    @Test
    void streamThatIsNotRiffIsRejectedNamingItsFirstBytes() {
        assertThatThrownBy(() -> read(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 0, 0}))
                .hasMessage("RIFF id: got 'ID3\\x04', expected 'RIFF' (not a WAV stream)");
        assertThatThrownBy(() -> read(RiffBytes.riff("RIFF", 0, "AVI ").toByteArray()))
                .hasMessage("RIFF form type: got 'AVI ', expected 'WAVE'");
    }

    @Test
    void dataBeforeFmtIsRejected() {
        assertThatThrownBy(() -> read(RiffBytes.wave().chunkHeader("data", 4).toByteArray()))
                .hasMessage("chunk order: got 'data' at byte 12, expected a 'fmt ' chunk before it");
    }

    @Test
    void bigEndianSamplesCannotBeWrittenAsWav() {
        assertThatThrownBy(() -> new WavHeader(PcmFormat.of(44100, 2, SampleEncoding.INT16_BE), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INT16_BE");
    }

    private static WavHeader read(byte[] bytes) throws IOException {
        return WavHeader.read(new ByteArrayInputStream(bytes));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** A pipe at its slowest: every read returns one byte, every skip none. */
    private static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }

        @Override
        public long skip(long n) {
            return 0;
        }
    }
}
