package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 14, item 8: mount specs ({@code --mount} and the config file) parse to what they say, and
 * anything else raises only {@link IllegalArgumentException}, naming the mount.
 */
class MountSpecsPropertyTest {
    private static final MountConfig DEFAULTS = MountConfig.of("/default.mp3");

    @Property(tries = 2000)
    void anySpecParsesOrIsRefusedWithIllegalArgument(@ForAll("specs") String spec) {
        MountSpecs.Spec parsed;
        try {
            parsed = MountSpecs.parse(spec, DEFAULTS, EncoderSettings.DEFAULT);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(parsed.config().path()).startsWith("/");
        if (parsed.source() != null) {
            parsed.source().source().close();
        }
    }

    @Property(tries = 500)
    void aToneSpecParsesToItsValuesInAnyKeyOrder(@ForAll @IntRange(min = 20, max = 3999) int hz,
            @ForAll("rates") int rate, @ForAll @IntRange(min = 0, max = 60_000) int burst,
            @ForAll("names") String name, @ForAll long seed) {
        List<String> keys = new java.util.ArrayList<>(List.of("hz=" + hz, "rate=" + rate, "burst-ms=" + burst,
                "name=" + name));
        java.util.Collections.shuffle(keys, new java.util.Random(seed));
        MountSpecs.Spec s = MountSpecs.parse("/t.mp3=tone:" + String.join(",", keys), DEFAULTS, EncoderSettings.DEFAULT);
        try {
            assertThat(s.config().path()).isEqualTo("/t.mp3");
            assertThat(s.config().burstMillis()).isEqualTo(burst);
            assertThat(s.config().name()).isEqualTo(name.trim());
            assertThat(s.source().source().format().sampleRateHz()).isEqualTo(rate);
        } finally {
            s.source().source().close();
        }
    }

    /** Generators run on demand unless told not to; files and push mounts never do. */
    @net.jqwik.api.Example
    void generatedMountsAreOnDemandByDefaultFilesAndPushMountsAreNot() throws Exception {
        java.nio.file.Path wav = java.nio.file.Files.createTempFile("mp3cast-spec", ".wav");
        wav.toFile().deleteOnExit();
        java.nio.file.Files.write(wav, TestAudio.wav(new io.mp3cast.pcm.PcmFormat(24000, 1, io.mp3cast.pcm.SampleEncoding.INT16_LE),
                TestAudio.int16le(TestAudio.tones(24000, 0.5, 440))));
        for (String gen : List.of("tone", "noise", "chirp", "silence")) {
            assertOnDemand("/g.mp3=" + gen, true);
            assertOnDemand("/g.mp3=" + gen + ":on-demand=false", false);
        }
        assertOnDemand("/f.mp3=file:path=" + wav, false);
        assertOnDemand("/f.mp3=file:path=" + wav + ",on-demand=true", true);
        assertOnDemand("/p.mp3=push", false);
    }

    private static void assertOnDemand(String spec, boolean expected) {
        MountSpecs.Spec s = MountSpecs.parse(spec, DEFAULTS, EncoderSettings.DEFAULT);
        try {
            assertThat(s.onDemand()).as(spec).isEqualTo(expected);
        } finally {
            if (s.source() != null) {
                s.source().source().close();
            }
        }
    }

    @Provide
    Arbitrary<String> specs() {
        Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.strings().withChars("/ab.?= ").ofMaxLength(8),
                Arbitraries.of("/a.mp3", "/b.mp3"));
        Arbitrary<String> source = Arbitraries.oneOf(Arbitraries.of("tone", "noise", "chirp", "silence", "push"),
                Arbitraries.strings().alpha().ofMaxLength(6));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("hz", "rate", "channels", "seed", "from", "to", "period",
                "bitrate", "vbr", "quality", "name", "title", "burst-ms", "queue-ms", "batch-ms", "metaint", "fallback"),
                Arbitraries.strings().withChars("a=,:").ofMaxLength(4));
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.integers().between(-10, 100_000).map(String::valueOf),
                Arbitraries.strings().withChars("0123456789.-e,=:/ab").ofMaxLength(8));
        Arbitrary<String> pairs = Combinators.combine(key, value).as((k, v) -> k + "=" + v).list().ofMaxSize(5)
                .map(l -> l.stream().collect(Collectors.joining(",")));
        return Combinators.combine(path, source, pairs, Arbitraries.of("=", "", ":")).as((p, s, kv, sep) ->
                p + sep + s + (kv.isEmpty() ? "" : ":" + kv));
    }

    @Provide
    Arbitrary<Integer> rates() {
        return Arbitraries.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abc XYZ-_'é").ofMinLength(1).ofMaxLength(12).filter(s -> !s.isBlank());
    }
}
