package io.mp3cast.mp3;

import io.mp3cast.testing.TestFrames;
import static io.mp3cast.testing.TestFrames.concat;
import static io.mp3cast.testing.TestFrames.frame;
import static io.mp3cast.testing.TestFrames.garbage;
import static io.mp3cast.testing.TestFrames.id3v1;
import static io.mp3cast.testing.TestFrames.id3v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    private static final byte[] F128 = frame("FFFB9064");
    private static final byte[] F24K = frame("FFF384C4");   // MPEG-2 64 kbps 24 kHz mono, 192 bytes

    @Test
    void readsFramesWithTheirHeadersFromAStreamThatDeliversOneByteAtATime() throws IOException {
        byte[] stream = concat(id3v2(100, false), F24K, F24K, garbage(9), F24K, F24K, Arrays.copyOf(F24K, 50));
        List<Mp3Frame> frames = new ArrayList<>();

        try (FrameReader reader = new FrameReader(new TrickleInputStream(stream))) {
            for (Mp3Frame f = reader.next(); f != null; f = reader.next()) {
                frames.add(f);
            }
            assertThat(reader.frames()).isEqualTo(4);
            assertThat(reader.skippedBytes()).isEqualTo(9);
            assertThat(reader.id3Bytes()).isEqualTo(110);
            assertThat(reader.truncatedBytes()).isEqualTo(50);
        }
        assertThat(frames).hasSize(4).allSatisfy(f -> {
            assertThat(f.data()).isEqualTo(F24K);
            assertThat(f.header()).isEqualTo(new FrameHeader(MpegVersion.MPEG_2, 64, 24000, false, ChannelMode.MONO, false));
        });
    }

    @Test
    void keepsReturningNullAfterTheEnd() throws IOException {
        try (FrameReader reader = new FrameReader(new ByteArrayInputStream(F128))) {
            assertThat(reader.next()).isNotNull();
            assertThat(reader.next()).isNull();
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void closingTheReaderClosesTheStream() throws IOException {
        TrickleInputStream in = new TrickleInputStream(F128);

        new FrameReader(in).close();

        assertThat(in.closed).isTrue();
    }

    @Test
    void passesOnTheStreamsIOException() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> new FrameReader(failing).next()).hasMessage("connection reset");
    }

    @Test
    void readAllReturnsEveryFrameOfACleanFileWithTags() throws Mp3FormatException {
        byte[] file = concat(id3v2(500, true), F128, frame("FFFB9264"), F128, id3v1());

        List<Mp3Frame> frames = FrameReader.readAll(file);

        assertThat(frames).extracting(f -> f.data().length).containsExactly(417, 418, 417);
        assertThat(frames).extracting(f -> f.header().padded()).containsExactly(false, true, false);
    }

    @Test
    void readAllOfNothingIsNoFrames() throws Mp3FormatException {
        assertThat(FrameReader.readAll(new byte[0])).isEmpty();
    }

    @Test
    void readAllRejectsGarbageNamingHowMuch() {
        byte[] stream = concat(F128, F128, garbage(21), F128, F128);

        assertThatThrownBy(() -> FrameReader.readAll(stream))
                .isInstanceOf(Mp3FormatException.class)
                .hasMessage("frames: got 21 bytes skipped as garbage and 0 bytes of a truncated last frame after 4 frames,"
                        + " expected whole frames and ID3 tags only");
    }

    @Test
    void readAllRejectsATruncatedLastFrame() {
        byte[] stream = concat(F128, F128, Arrays.copyOf(F128, 416));

        assertThatThrownBy(() -> FrameReader.readAll(stream))
                .isInstanceOf(Mp3FormatException.class)
                .hasMessageContaining("416 bytes of a truncated last frame");
    }

    @Test
    void framesWithTheSameBytesAreEqual() throws Mp3FormatException {
        Mp3Frame a = FrameReader.readAll(F128).get(0);
        Mp3Frame b = FrameReader.readAll(F128.clone()).get(0);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(FrameReader.readAll(F24K).get(0));
        assertThat(a.toString()).contains("417 bytes");
    }

    @Test
    void aFrameWhoseBytesDisagreeWithItsHeaderIsRefused() throws Mp3FormatException {
        FrameHeader header = FrameHeader.parse(F128, 0);

        assertThatThrownBy(() -> new Mp3Frame(header, new byte[416]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data.length not the header's frame length: 416 (expected 417)");
    }

    @Test
    void totalDurationIsSummedExactlyNotFrameByFrame() throws Mp3FormatException {
        List<Mp3Frame> frames = Collections.nCopies(1000, FrameReader.readAll(F128).get(0));

        // 1000 * 1152 / 44100 s = 26.122448979... s; adding 26122 us per frame would lose 449 us.
        assertThat(Mp3Frame.totalDurationMicros(frames)).isEqualTo(26_122_448);
    }

    @Test
    void totalDurationAddsFramesOfDifferentRates() throws Mp3FormatException {
        List<Mp3Frame> frames = FrameReader.readAll(concat(TestFrames.frames(10, new Random(3)), F24K, F24K, F24K));

        assertThat(Mp3Frame.totalDurationMicros(frames)).isEqualTo(10 * 1152 * 1_000_000L / 44100 + 3 * 24_000);
    }

    /** Hands out one byte per read, as a slow socket may. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private int next;
        boolean closed;

        TrickleInputStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return next < bytes.length ? bytes[next++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
