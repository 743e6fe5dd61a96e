package io.mp3cast.mp3;

import io.mp3cast.testing.TestFrames;
import static io.mp3cast.testing.TestFrames.concat;
import static io.mp3cast.testing.TestFrames.frame;
import static io.mp3cast.testing.TestFrames.frames;
import static io.mp3cast.testing.TestFrames.garbage;
import static io.mp3cast.testing.TestFrames.header;
import static io.mp3cast.testing.TestFrames.id3v1;
import static io.mp3cast.testing.TestFrames.id3v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameSplitterTest {
    private static final byte[] F128 = frame("FFFB9064");   // MPEG-1 128 kbps 44.1 kHz, 417 bytes
    private static final byte[] F128_PADDED = frame("FFFB9264");   // 418 bytes
    private static final byte[] F48K = frame("FFFB9480");   // MPEG-1 128 kbps 48 kHz, 384 bytes

    private final FrameSplitter splitter = new FrameSplitter();
    private final Collected out = new Collected();

    @Test
    void splitsBackToBackFramesExactlyAsWritten() {
        feedAll(concat(F128, F128_PADDED, F128), splitter, out);

        assertThat(out.frames).containsExactly(F128, F128_PADDED, F128);
        assertThat(splitter.frames()).isEqualTo(3);
        assertThat(splitter.frameBytes()).isEqualTo(417 + 418 + 417);
        assertThat(splitter.skippedBytes()).isZero();
        assertThat(splitter.lastHeader()).map(FrameHeader::bitrateKbps).contains(128);
    }

    @Test
    void holdsTheFirstFrameUntilTheNextHeaderConfirmsIt() {
        byte[] two = concat(F128, F128);

        splitter.feed(two, 0, 417 + 3, out);
        assertThat(out.frames).isEmpty();
        splitter.feed(two, 420, 1, out);
        assertThat(out.frames).containsExactly(F128);
    }

    @Test
    void emitsALockedFrameAsSoonAsItsLastByteArrives() {
        splitter.feed(concat(F128, F128), 0, 834, out);
        assertThat(out.frames).hasSize(2);

        for (int i = 0; i < F128.length - 1; i++) {
            splitter.feed(F128, i, 1, out);
        }
        assertThat(out.frames).hasSize(2);
        splitter.feed(F128, F128.length - 1, 1, out);
        assertThat(out.frames).hasSize(3);
    }

    @Test
    void emitsAnUnconfirmedSingleFrameAtTheEndOfTheStream() {
        splitter.feed(F128, 0, F128.length, out);
        assertThat(out.frames).isEmpty();

        splitter.end(out);
        assertThat(out.frames).containsExactly(F128);
    }

    @Test
    void passesAWholeFrameStraightFromTheCallersArray() {
        byte[] stream = concat(F128, F128, F128);
        List<byte[]> arrays = new ArrayList<>();

        splitter.feed(stream, 0, stream.length, (data, off, len) -> arrays.add(data));

        assertThat(arrays).hasSize(3).allSatisfy(a -> assertThat(a).isSameAs(stream));
    }

    @Test
    void skipsAndCountsGarbageBetweenFramesExactly() {
        feedAll(concat(F128, F128, garbage(37), F128, F128), splitter, out);

        assertThat(out.frames).hasSize(4);
        assertThat(splitter.skippedBytes()).isEqualTo(37);
    }

    @Test
    void skipsAndCountsGarbageBeforeTheFirstFrame() {
        feedAll(concat(garbage(1000), F128, F128), splitter, out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.skippedBytes()).isEqualTo(1000);
    }

    @Test
    void aSyncPatternInsideGarbageDoesNotBecomeAFrame() {
        // A valid header, then no confirming header where its frame would end.
        byte[] fake = concat(TestFrames.frame("FFFB9064"), garbage(10));

        feedAll(concat(F128, F128, garbage(5), fake, F48K, F48K), splitter, out);

        assertThat(out.frames).containsExactly(F128, F128, F48K, F48K);
        assertThat(splitter.skippedBytes()).isEqualTo(5 + 417 + 10);
    }

    @Test
    void aFirstFrameFollowedByGarbageIsNeverConfirmedSoItIsSkipped() {
        feedAll(concat(F128, garbage(21), F128, F128), splitter, out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.skippedBytes()).isEqualTo(417 + 21);
    }

    @Test
    void aChangeOfSampleRateIsFollowedWithoutLosingAFrame() {
        feedAll(concat(F128, F128, F48K, F48K, F48K), splitter, out);

        assertThat(out.frames).containsExactly(F128, F128, F48K, F48K, F48K);
        assertThat(splitter.skippedBytes()).isZero();
    }

    @Test
    void aFreeFormatStreamIsSkippedAsGarbage() {
        byte[] freeFormat = new byte[1000];
        freeFormat[0] = (byte) 0xFF;
        freeFormat[1] = (byte) 0xFB;
        freeFormat[3] = 0x64;

        feedAll(concat(freeFormat, freeFormat), splitter, out);

        assertThat(out.frames).isEmpty();
        assertThat(splitter.skippedBytes()).isEqualTo(2000);
    }

    @Test
    void countsATruncatedLastFrameExactly() {
        byte[] stream = concat(F128, F128, Arrays.copyOf(F128, 300));

        feedAll(stream, splitter, out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.truncatedBytes()).isEqualTo(300);
        assertThat(splitter.skippedBytes()).isZero();
    }

    @Test
    void countsTheFirstBytesOfAHeaderAtTheEndAsTruncated() {
        feedAll(concat(F128, F128, Arrays.copyOf(F128, 2)), splitter, out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.truncatedBytes()).isEqualTo(2);
    }

    @Test
    void findsAWholeFrameAfterAnIncompleteFalseSyncAtTheEnd() {
        // The false header promises 417 bytes that never come; the real frame inside them is kept.
        byte[] stream = concat(garbage(3), new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64}, garbage(5), F48K);

        feedAll(stream, splitter, out);

        assertThat(out.frames).containsExactly(F48K);
        assertThat(splitter.skippedBytes()).isEqualTo(3 + 4 + 5);
        assertThat(splitter.truncatedBytes()).isZero();
    }

    @ParameterizedTest(name = "footer: {0}")
    @ValueSource(booleans = {false, true})
    void skipsAnId3v2TagAtTheStart(boolean footer) {
        byte[] tag = id3v2(2000, footer);

        feedAll(concat(tag, F128, F128), splitter, out);

        assertThat(out.frames).containsExactly(F128, F128);
        assertThat(splitter.id3Bytes()).isEqualTo(footer ? 2020 : 2010);
        assertThat(splitter.skippedBytes()).isZero();
    }

    @Test
    void skipsAnId3v2TagBetweenFramesWithoutLosingTheLock() {
        byte[] stream = concat(F128, F128, id3v2(50, false), F128);

        splitter.feed(stream, 0, stream.length, out);

        assertThat(out.frames).hasSize(3);
        assertThat(splitter.id3Bytes()).isEqualTo(60);
    }

    @Test
    void skipsAnId3v1TagAtTheEnd() {
        feedAll(concat(F128, F128, id3v1()), splitter, out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.id3Bytes()).isEqualTo(128);
        assertThat(splitter.skippedBytes()).isZero();
    }

    @Test
    void confirmsTheOnlyFrameOfAFileByTheTagAfterIt() {
        feedAll(concat(id3v2(20, false), F128, id3v1()), splitter, out);

        assertThat(out.frames).containsExactly(F128);
        assertThat(splitter.id3Bytes()).isEqualTo(30 + 128);
    }

    @Test
    void skipsAHugeTagByCountingWithoutBufferingIt() {
        byte[] stream = concat(id3v2(100_000, true), F128, F128);
        int maxBuffered = 0;

        for (int p = 0; p < stream.length; p += 1000) {
            splitter.feed(stream, p, Math.min(1000, stream.length - p), out);
            maxBuffered = Math.max(maxBuffered, splitter.bufferedBytes());
        }
        splitter.end(out);

        assertThat(out.frames).hasSize(2);
        assertThat(splitter.id3Bytes()).isEqualTo(100_020);
        assertThat(maxBuffered).isLessThanOrEqualTo(FrameSplitter.WINDOW_BYTES);
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 7, 333})
    void feedingInChunksGivesTheSameFramesAndCountsAsOneFeed(int chunkBytes) {
        byte[] stream = messyStream();
        FrameSplitter whole = new FrameSplitter();
        Collected wholeOut = new Collected();
        feedAll(stream, whole, wholeOut);

        for (int p = 0; p < stream.length; p += chunkBytes) {
            splitter.feed(stream, p, Math.min(chunkBytes, stream.length - p), out);
            assertThat(splitter.bufferedBytes()).isLessThanOrEqualTo(FrameSplitter.WINDOW_BYTES);
        }
        splitter.end(out);

        assertThat(wholeOut.frames).hasSizeGreaterThan(20);
        assertThat(out.frames).containsExactlyElementsOf(wholeOut.frames);
        assertThat(counts(splitter)).isEqualTo(counts(whole));
        assertThat(splitter.frameBytes() + splitter.skippedBytes() + splitter.id3Bytes() + splitter.truncatedBytes())
                .isEqualTo(stream.length);
    }

    @Test
    void startsAfreshAfterTheEndOfAStream() {
        feedAll(concat(F128, F128, Arrays.copyOf(F128, 10)), splitter, out);
        feedAll(concat(F48K, F48K), splitter, out);

        assertThat(out.frames).containsExactly(F128, F128, F48K, F48K);
        assertThat(splitter.truncatedBytes()).isEqualTo(10);
    }

    @Test
    void allocatesNothingPerFrameOnceRunning() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] stream = frames(50, new Random(1));
        FrameSink discard = (data, off, len) -> { };
        for (int i = 0; i < 200; i++) {   // warm up, and let the JIT settle
            feedOddChunks(stream, discard);
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) {
            feedOddChunks(stream, discard);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated for 10,000 frames").isLessThan(10_000);
    }

    @Test
    void rejectsAnOutOfRangeSlice() {
        assertThatThrownBy(() -> splitter.feed(new byte[10], 5, 6, out))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private void feedOddChunks(byte[] stream, FrameSink sink) {
        for (int p = 0; p < stream.length; p += 1000) {
            splitter.feed(stream, p, Math.min(1000, stream.length - p), sink);
        }
    }

    /** Frames of two formats with garbage, sync-like garbage, tags and a truncated tail. */
    static byte[] messyStream() {
        Random random = new Random(42);
        int f44 = header(MpegVersion.MPEG_1, 128, 44100, false, ChannelMode.JOINT_STEREO);
        int f24 = header(MpegVersion.MPEG_2, 64, 24000, false, ChannelMode.MONO);
        byte[] syncLike = {(byte) 0xFF, (byte) 0xF3, (byte) 0x84, (byte) 0xC4, 0, 0, 0};
        return concat(id3v2(300, false), frames(5, random), garbage(13), frame(f44, random), frame(f44, random),
                syncLike, frame(f24, random), frame(f24, random), frame(f24, random), id3v2(40, true),
                frame(f24, random), garbage(1), frames(10, random), id3v1(), frames(3, random),
                Arrays.copyOf(frame(f44, random), 100));
    }

    static void feedAll(byte[] stream, FrameSplitter splitter, FrameSink sink) {
        splitter.feed(stream, 0, stream.length, sink);
        splitter.end(sink);
    }

    private static List<Long> counts(FrameSplitter s) {
        return List.of(s.frames(), s.frameBytes(), s.skippedBytes(), s.id3Bytes(), s.truncatedBytes());
    }

    /** Copies each frame out, as the sink contract asks. */
    static final class Collected implements FrameSink {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void onFrame(byte[] data, int offset, int length) {
            frames.add(Arrays.copyOfRange(data, offset, offset + length));
        }
    }
}
