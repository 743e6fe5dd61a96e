package io.mp3cast.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mp3cast.spec.Params;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** Issue 14, item 8: the parsers of a request's outside bytes: Range, the path, the query. */
class HttpParsersPropertyTest {

    @Property(tries = 2000)
    void anyRangeHeaderParsesOrIsIgnoredAndNeverThrows(@ForAll("rangeLike") String header) {
        Optional<ByteRange> r = ByteRange.parse(header);
        r.ifPresent(range -> {
            assertThat(range.start()).isNotNegative();
            assertThat(range.end() < 0 || range.end() >= range.start()).isTrue();
        });
    }

    @Property(tries = 1000)
    void aWellFormedRangeParsesToItsNumbersHoweverItIsSpaced(@ForAll @LongRange(max = 1L << 40) long start,
            @ForAll @LongRange(max = 1L << 20) long length, @ForAll boolean open, @ForAll("spaces") String space) {
        long end = start + length;
        String header = space + "BYTES=" + space + start + space + "-" + space + (open ? "" : end) + space + ", 5-9";
        assertThat(ByteRange.parse(header)).hasValue(new ByteRange(start, open ? -1 : end));
    }

    @Property(tries = 3000)
    void anyRequestTargetIsNormalisedOrRefusedWithIllegalArgumentAndNoDotSegmentSurvives(@ForAll("targets") String uri) {
        String path;
        try {
            path = RequestPath.of(uri);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("path: ");
            return;
        }
        assertThat(path).startsWith("/").doesNotContain("//").doesNotContain("\\");
        assertThat(List.of(path.split("/"))).doesNotContain(".", "..");
        assertThat(path.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
    }

    @Property(tries = 1000)
    void plainSegmentsComeOutAsTheyWentInWhateverTheirEscapingAndSlashes(
            @ForAll("segments") List<String> segments, @ForAll boolean escapeAll, @ForAll boolean doubleSlashes) {
        StringBuilder uri = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (String s : segments) {
            uri.append(doubleSlashes ? "//" : "/").append(escapeAll ? escape(s) : s);
            expected.append('/').append(s);
        }
        assertThat(RequestPath.of(uri + "?q=1")).isEqualTo(expected.toString());
    }

    @Property(tries = 2000)
    void anyQueryStringDecodesOrIsRefusedWithIllegalArgumentAndTypedReadsThrowNothingElse(@ForAll("queries") String query) {
        Params p;
        try {
            p = HttpRouter.firstValues(new QueryStringDecoder("/x.mp3?" + query));
        } catch (IllegalArgumentException e) {
            return;
        }
        for (String key : List.of("rate", "seconds", "hz", "channels", "pace", "format")) {
            assertThatCode(() -> {
                try {
                    p.integer(key, 1, 0, 100_000);
                    p.decimal(key, 1, 0, 100_000);
                    p.bool(key, true);
                } catch (IllegalArgumentException expected) {
                    assertThat(expected.getMessage()).startsWith(key + ": ");
                }
            }).doesNotThrowAnyException();
        }
    }

    @Property(tries = 1000)
    void encodedParametersDecodeToTheirValues(@ForAll("parameters") Map<@StringLength(min = 1, max = 10) String, String> params) {
        QueryStringEncoder enc = new QueryStringEncoder("/x.mp3");
        params.forEach(enc::addParam);
        Params p = HttpRouter.firstValues(new QueryStringDecoder(enc.toString()));
        params.forEach((k, v) -> assertThat(p.string(k, null)).isEqualTo(v));
    }

    @Provide
    Arbitrary<String> rangeLike() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("bytes=0123456789-, \t").ofMaxLength(40),
                Arbitraries.strings().withChars("0123456789-,").ofMaxLength(40).map(s -> "bytes=" + s));
    }

    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.strings().withChars(" \t").ofMaxLength(2);
    }

    @Provide
    Arbitrary<String> targets() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("/.%2eEfF5cC0aA?#\\ab+").ofMaxLength(40),
                Arbitraries.strings().withChars("/.%2eEfF5cC0aA?#\\ab+").ofMaxLength(40).map(s -> "/" + s),
                Arbitraries.strings().withChars("/.ab:").ofMaxLength(30).map(s -> "http://h" + s));
    }

    @Provide
    Arbitrary<List<String>> segments() {
        return Arbitraries.strings().withChars("abcXYZ019-_~ +é").ofMinLength(1).ofMaxLength(8)
                .filter(s -> !s.equals(".") && !s.equals("..")).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("rateshzcn=&%2bF0;+-.e9").ofMaxLength(60));
    }

    @Provide
    Arbitrary<Map<String, String>> parameters() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().ofMaxLength(20)).ofMaxSize(5);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            b.append('%').append(String.format("%02X", c & 0xFF));
        }
        return b.toString();
    }
}
