package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsHelpTypeAndSamplesWithAndWithoutLabels() {
        PrometheusText t = PrometheusText.parse("""
                # HELP mp3cast_listeners Listeners connected now
                # TYPE mp3cast_listeners gauge
                mp3cast_listeners{mount="/a.mp3"} 100.0
                mp3cast_listeners{mount="/b.mp3",} 3
                # TYPE process_uptime_seconds gauge
                process_uptime_seconds 12.5
                """);

        assertThat(t.type("mp3cast_listeners")).hasValue("gauge");
        assertThat(t.help("mp3cast_listeners")).hasValue("Listeners connected now");
        assertThat(t.value("mp3cast_listeners", "mount", "/a.mp3")).isEqualTo(100.0);
        assertThat(t.value("mp3cast_listeners", "mount", "/b.mp3")).isEqualTo(3.0);
        assertThat(t.sum("mp3cast_listeners")).isEqualTo(103.0);
        assertThat(t.value("process_uptime_seconds")).isEqualTo(12.5);
        assertThat(t.samples().get(2).labels()).isEmpty();
        assertThat(t.names()).containsExactly("mp3cast_listeners", "process_uptime_seconds");
    }

    @Test
    void labelValuesKeepEscapedQuotesBackslashesNewlinesCommasAndBraces() {
        PrometheusText t = PrometheusText.parse("x{a=\"say \\\"hi\\\"\",b=\"c:\\\\dir\",c=\"two\\nlines\",d=\"{,}\"} 1\n");

        assertThat(t.samples().get(0).labels()).isEqualTo(Map.of("a", "say \"hi\"", "b", "c:\\dir",
                "c", "two\nlines", "d", "{,}"));
    }

    @Test
    void specialValuesScientificNotationAndTimestampsAreRead() {
        PrometheusText t = PrometheusText.parse("""
                h_bucket{le="+Inf"} +Inf
                g NaN
                n -Inf
                s 1.5e-3 1700000000000
                """);

        assertThat(t.value("h_bucket", "le", "+Inf")).isInfinite();
        assertThat(t.value("g")).isNaN();
        assertThat(t.value("n")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(t.value("s")).isEqualTo(0.0015);
    }

    @Test
    void findFiltersOnEveryGivenLabelAndValueComplainsAboutMissingOrAmbiguousSamples() {
        PrometheusText t = PrometheusText.parse("""
                d_total{mount="/a",reason="client"} 5
                d_total{mount="/a",reason="slow"} 1
                d_total{mount="/b",reason="client"} 2
                """);

        assertThat(t.find("d_total", "mount", "/a")).hasSize(2);
        assertThat(t.value("d_total", "mount", "/a", "reason", "slow")).isEqualTo(1);
        assertThat(t.sum("d_total", "reason", "client")).isEqualTo(7);
        assertThat(t.sum("nothing")).isZero();
        assertThatThrownBy(() -> t.value("d_total", "mount", "/a")).hasMessageContaining("2 samples of d_total");
        assertThatThrownBy(() -> t.value("absent")).hasMessageContaining("names present: [d_total]");
    }

    @Test
    void aLineThatIsNotTheFormatIsRefusedNamingItsNumber() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbad{a=\"x\" 2\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2:");
        assertThatThrownBy(() -> PrometheusText.parse("v one\n")).hasMessageStartingWith("line 1:");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x widget\n")).hasMessageContaining("unknown type 'widget'");
        assertThatThrownBy(() -> PrometheusText.parse("{a=\"b\"} 1\n")).hasMessageContaining("metric or label name");
    }
}
