package io.mp3cast.mp3;

import io.mp3cast.testing.TestFrames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameSplitterPropertyTest {

    @Property(tries = 300)
    void randomBytesNeverThrowAndEveryFrameAgreesWithItsHeader(@ForAll @Size(max = 6000) byte[] bytes,
            @ForAll @IntRange(min = 1, max = 2000) int chunkBytes) {
        checkSplit(bytes, chunkBytes);
    }

    @Property(tries = 300)
    void framesMixedWithGarbageNeverThrowAndEveryFrameAgreesWithItsHeader(@ForAll("messy") byte[] bytes,
            @ForAll @IntRange(min = 1, max = 2000) int chunkBytes) {
        checkSplit(bytes, chunkBytes);
    }

    @Property(tries = 200)
    void anyChunkingGivesTheSameFramesAsOneFeed(@ForAll("messy") byte[] bytes, @ForAll long seed) {
        Collected whole = split(bytes, List.of(bytes.length));
        Collected chunked = split(bytes, randomChunks(bytes.length, new Random(seed)));

        assertThat(chunked.frames).containsExactlyElementsOf(whole.frames);
        assertThat(chunked.counts).isEqualTo(whole.counts);
    }

    @Property(tries = 200)
    void aCleanStreamOfAnyFormatIsSplitIntoExactlyItsFrames(@ForAll("cleanFrames") List<byte[]> frames)
            throws Mp3FormatException {
        byte[] stream = concat(frames);

        List<Mp3Frame> read = FrameReader.readAll(stream);

        assertThat(read).extracting(Mp3Frame::data).containsExactlyElementsOf(frames);
    }

    @Property(tries = 300)
    void readAllThrowsNothingButMp3FormatException(@ForAll("messy") byte[] bytes) {
        Throwable thrown = catchThrowable(() -> FrameReader.readAll(bytes));

        assertThat(thrown).satisfiesAnyOf(t -> assertThat(t).isNull(),
                t -> assertThat(t).isExactlyInstanceOf(Mp3FormatException.class));
    }

    /** Splits in fixed chunks, checking each frame, the buffering bound, and that every byte is counted once. */
    private static void checkSplit(byte[] bytes, int chunkBytes) {
        FrameSplitter s = new FrameSplitter();
        long[] frameBytes = {0};
        FrameSink check = (data, off, len) -> {
            assertThat(FrameHeader.isValid(FrameHeader.word(data, off))).isTrue();
            assertThat(len).isEqualTo(FrameHeader.frameLengthBytes(FrameHeader.word(data, off)));
            frameBytes[0] += len;
        };
        for (int p = 0; p < bytes.length; p += chunkBytes) {
            s.feed(bytes, p, Math.min(chunkBytes, bytes.length - p), check);
            assertThat(s.bufferedBytes()).isLessThanOrEqualTo(FrameSplitter.WINDOW_BYTES);
        }
        s.end(check);
        assertThat(s.frameBytes()).isEqualTo(frameBytes[0]);
        assertThat(s.frameBytes() + s.skippedBytes() + s.id3Bytes() + s.truncatedBytes()).isEqualTo(bytes.length);
    }

    private static Collected split(byte[] bytes, List<Integer> chunks) {
        FrameSplitter s = new FrameSplitter();
        Collected out = new Collected();
        int p = 0;
        for (int n : chunks) {
            s.feed(bytes, p, n, out);
            p += n;
        }
        s.end(out);
        out.counts = List.of(s.frames(), s.skippedBytes(), s.id3Bytes(), s.truncatedBytes());
        return out;
    }

    private static List<Integer> randomChunks(int total, Random random) {
        List<Integer> chunks = new ArrayList<>();
        for (int left = total; left > 0; ) {
            int n = Math.min(left, random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(1500));
            chunks.add(n);
            left -= n;
        }
        return chunks;
    }

    /** Real frames of random formats, raw random bytes, tags and cut frames, in any order. */
    @Provide
    Arbitrary<byte[]> messy() {
        Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
                Tuple.of(5, randomFrame()),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(1, cutFrame()),
                Tuple.of(1, tag()));
        return piece.list().ofMaxSize(30).map(FrameSplitterPropertyTest::concat);
    }

    /** Frames of one version and sample rate, each with its own bitrate and padding, as in VBR. */
    @Provide
    Arbitrary<List<byte[]>> cleanFrames() {
        return Combinators.combine(Arbitraries.of(MpegVersion.class), Arbitraries.integers().between(0, 2),
                        Arbitraries.of(ChannelMode.class))
                .flatAs((version, rateIndex, mode) -> Combinators.combine(
                                Arbitraries.integers().between(0, 13), Arbitraries.of(true, false), Arbitraries.longs())
                        .as((bitrateIndex, padded, seed) -> TestFrames.frame(TestFrames.header(version,
                                version.bitratesKbps()[bitrateIndex], version.sampleRateForIndex(rateIndex), padded,
                                mode), new Random(seed)))
                        .list().ofMaxSize(20));
    }

    private static Arbitrary<byte[]> randomFrame() {
        return Combinators.combine(Arbitraries.of(MpegVersion.class), Arbitraries.integers().between(0, 13),
                        Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                        Arbitraries.of(ChannelMode.class), Arbitraries.longs())
                .as((version, bitrateIndex, rateIndex, padded, mode, seed) -> TestFrames.frame(TestFrames.header(version,
                        version.bitratesKbps()[bitrateIndex], version.sampleRateForIndex(rateIndex), padded, mode),
                        new Random(seed)));
    }

    private static Arbitrary<byte[]> cutFrame() {
        return Combinators.combine(randomFrame(), Arbitraries.doubles().between(0, 1))
                .as((frame, fraction) -> Arrays.copyOf(frame, (int) (frame.length * fraction)));
    }

    private static Arbitrary<byte[]> tag() {
        return Arbitraries.oneOf(Arbitraries.just(TestFrames.id3v1()),
                Combinators.combine(Arbitraries.integers().between(0, 500), Arbitraries.of(true, false))
                        .as(TestFrames::id3v2));
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Copies each frame out, as the sink contract asks. */
    private static final class Collected implements FrameSink {
        final List<byte[]> frames = new ArrayList<>();
        List<Long> counts;

        @Override
        public void onFrame(byte[] data, int offset, int length) {
            frames.add(Arrays.copyOfRange(data, offset, offset + length));
        }
    }
}
