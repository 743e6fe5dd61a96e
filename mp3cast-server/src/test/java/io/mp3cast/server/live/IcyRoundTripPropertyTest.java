package io.mp3cast.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.FeedState;
import io.mp3cast.live.FrameFeed;
import io.mp3cast.live.LiveStream;
import io.mp3cast.server.IcyCapture;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 14, item 8: the ICY writer, read back as a radio player reads it. Whatever the titles
 * (any Unicode, quotes, semicolons, control characters, up to 1000 characters) and however the
 * audio is cut into writes, the reader gets the audio byte for byte and each title in one
 * well-formed {@code StreamTitle} field.
 */
class IcyRoundTripPropertyTest {

    @Property(tries = 300)
    void audioAndTitlesComeBackWhateverTheTitlesAndTheWrites(@ForAll("titles") List<String> titles,
            @ForAll @IntRange(min = 256, max = 4096) int interval, @ForAll long seed) {
        LiveMount mount = new LiveMount(MountConfig.of("/icy.mp3"), new NoFeed(), ServerMetrics.NONE,
                UnpooledByteBufAllocator.DEFAULT);
        IcyWriter writer = new IcyWriter(interval, mount);
        Random random = new Random(seed);
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String title : titles) {
            mount.setTitle(title);
            byte[] piece = new byte[random.nextInt(3 * interval)];
            random.nextBytes(piece);
            audio.writeBytes(piece);
            ByteBuf out = writer.interleave(UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(piece));
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            out.release();
            wire.writeBytes(bytes);
        }
        IcyCapture.Blocks read = IcyCapture.split(wire.toByteArray(), interval);
        assertThat(read.audio()).isEqualTo(audio.toByteArray());
        for (String field : read.fields()) {
            assertThat(field).startsWith("StreamTitle='").endsWith("';");
            String value = field.substring("StreamTitle='".length(), field.length() - 2);
            assertThat(value).doesNotContain("'").doesNotContain(";");
            assertThat(value.chars().noneMatch(c -> c < 0x20)).isTrue();
        }
        List<String> safe = titles.stream().map(t -> IcyTitle.icySafe(IcyTitle.checked(t))).toList();
        for (String field : read.fields()) {
            String value = field.substring("StreamTitle='".length(), field.length() - 2);
            assertThat(safe).contains(value);
        }
    }

    @Property(tries = 500)
    void aFieldIsCutOnlyAtACharacterBoundaryAndKeepsItsEnd(@ForAll("anyText") String title,
            @ForAll @IntRange(min = 16, max = 300) int maxBytes) {
        byte[] field = IcyTitle.field(title, maxBytes);
        String text = new String(field, StandardCharsets.UTF_8);
        assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(field);  // valid UTF-8: nothing split
        assertThat(field.length).isLessThanOrEqualTo(Math.max(maxBytes, "StreamTitle='';".length()));
        assertThat(text).startsWith("StreamTitle='").endsWith("';");
        assertThat(IcyTitle.icySafe(title)).startsWith(text.substring(13, text.length() - 2));
    }

    @Provide
    Arbitrary<List<String>> titles() {
        return Arbitraries.oneOf(anyText(), Arbitraries.strings().withChars("';=: StreamUrlhtp/\0\n").ofMaxLength(60))
                .list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().all().ofMaxLength(1000)
                .filter(s -> s.codePointCount(0, s.length()) <= IcyTitle.MAX_CODE_POINTS);
    }

    /** A feed that never publishes: the writer only needs the mount's title. */
    private static final class NoFeed implements FrameFeed {
        @Override
        public void start(LiveStream stream) {
        }

        @Override
        public FeedState state() {
            return FeedState.IDLE;
        }

        @Override
        public String description() {
            return "nothing";
        }

        @Override
        public void close() {
        }
    }
}
