package io.mp3cast.pcm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Issue 14, item 8: the WAV header parser, fed a stream that hands over its bytes in pieces of any
 * size (as a network body arrives), reads the same header and stops at the same byte; random
 * bytes raise only its declared {@link IOException}s ({@link PcmFormatException} naming the field,
 * or the end of the stream), never anything else.
 */
class WavHeaderPropertyTest {

    @Property(tries = 1000)
    void anyHeaderReadsBackTheSameHoweverItsBytesArrive(@ForAll("formats") PcmFormat format,
            @ForAll @LongRange(min = -1, max = 1L << 33) long dataBytes, @ForAll long seed) throws IOException {
        WavHeader written = new WavHeader(format, dataBytes);
        byte[] bytes = written.toBytes();
        byte[] withSamples = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        InputStream in = new Trickle(withSamples, new Random(seed));
        WavHeader read = WavHeader.read(in);
        assertThat(read.format()).isEqualTo(format);
        long expected = dataBytes < 0 || dataBytes + bytes.length - 8 >= 0xFFFFFFFFL || dataBytes == 0 ? -1 : dataBytes;
        assertThat(read.dataBytes()).isEqualTo(expected);
        assertThat(in.readAllBytes()).as("the parser stops at the first sample").hasSize(3);
    }

    @Property(tries = 3000)
    void randomBytesRaiseOnlyTheDeclaredIoExceptions(@ForAll("riffish") byte[] bytes, @ForAll long seed) {
        try {
            WavHeader h = WavHeader.read(new Trickle(bytes, new Random(seed)));
            assertThat(h.format()).isNotNull();
        } catch (IOException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<PcmFormat> formats() {
        return Combinators.combine(Arbitraries.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000),
                Arbitraries.integers().between(1, 2), Arbitraries.of(SampleEncoding.INT16_LE, SampleEncoding.FLOAT32_LE))
                .as(PcmFormat::of);
    }

    @Provide
    Arbitrary<byte[]> riffish() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(noise, noise.map(b -> prefixed("RIFF\0\0\0\0WAVE", b)),
                noise.map(b -> prefixed("RIFF\0\0\0\0WAVEfmt ", b)), noise.map(b -> prefixed("RF64\0\0\0\0WAVEds64", b)),
                Arbitraries.integers().between(0, 60).map(n -> java.util.Arrays.copyOf(
                        new WavHeader(PcmFormat.floatMono(24000), 100).toBytes(), n)));
    }

    private static byte[] prefixed(String prefix, byte[] rest) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(p, p.length + rest.length);
        System.arraycopy(rest, 0, all, p.length, rest.length);
        return all;
    }

    /** Hands its bytes over a random few at a time, as a socket does. */
    static final class Trickle extends ByteArrayInputStream {
        private final Random random;

        Trickle(byte[] bytes, Random random) {
            super(bytes);
            this.random = random;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
        }
    }
}
