package io.mp3cast.server.relay;

import static io.mp3cast.testing.TestFrames.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IcyDemuxTest {
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    private final List<String> titles = new ArrayList<>();

    @Test
    void audioAndTitlesComeApartWhateverTheReadsSizes() {
        byte[] body = concat(bytes(0, 10), meta("StreamTitle='First';".getBytes(StandardCharsets.UTF_8)), bytes(10, 10),
                new byte[] {0}, bytes(20, 10), meta("StreamTitle='Zweite Stra\u00dfe';StreamUrl='';".getBytes(StandardCharsets.UTF_8)),
                bytes(30, 4));
        for (int piece : new int[] {1, 3, 7, body.length}) {
            audio.reset();
            titles.clear();
            IcyDemux demux = new IcyDemux(10, b -> {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                audio.writeBytes(copy);
            }, titles::add);
            for (int at = 0; at < body.length; at += piece) {
                demux.feed(Unpooled.wrappedBuffer(body, at, Math.min(piece, body.length - at)));
            }
            assertThat(audio.toByteArray()).as("in pieces of %d", piece).isEqualTo(bytes(0, 34));
            assertThat(titles).as("in pieces of %d", piece).containsExactly("First", "Zweite Stra\u00dfe");
        }
    }

    @Test
    void aTitleThatIsNotUtf8IsReadAsLatin1AsIcecastSendsIt() {
        IcyDemux demux = new IcyDemux(2, b -> b.position(b.limit()), titles::add);
        demux.feed(Unpooled.wrappedBuffer(concat(bytes(0, 2), meta("StreamTitle='Caf\u00e9';".getBytes(StandardCharsets.ISO_8859_1)))));
        assertThat(titles).containsExactly("Caf\u00e9");
    }

    @Test
    void withoutAMetaintEverythingIsAudio() {
        IcyDemux demux = new IcyDemux(0, b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            audio.writeBytes(copy);
        }, titles::add);
        demux.feed(Unpooled.wrappedBuffer(bytes(0, 100)));
        assertThat(audio.toByteArray()).isEqualTo(bytes(0, 100));
        assertThat(titles).isEmpty();
    }

    private static byte[] bytes(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** A length byte, then the text zero-padded to a multiple of 16. */
    private static byte[] meta(byte[] text) {
        int blocks = (text.length + 15) / 16;
        byte[] m = new byte[1 + blocks * 16];
        m[0] = (byte) blocks;
        System.arraycopy(text, 0, m, 1, text.length);
        return m;
    }
}
