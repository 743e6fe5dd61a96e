package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bar's text and when it draws, against a clock the test moves by hand. */
class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private long nowNanos;
    private final ProgressBar bar = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), 1000, 100,
            () -> nowNanos);

    @Test
    void lineShowsPercentBarAndSecondsOfAudio() {
        assertThat(ProgressBar.line(420, 1000, 100)).isEqualTo(" 42% [############                  ] 4.2 of 10.0 s");
        assertThat(ProgressBar.line(1000, 1000, 100)).isEqualTo("100% [##############################] 10.0 of 10.0 s");
    }

    @Test
    void quickJobsDrawNothing() {
        nowNanos = 499 * MS;
        bar.advance(1000);
        bar.done();

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void longJobsDrawInPlaceAndEraseTheLineWhenDone() {
        nowNanos = 600 * MS;
        bar.advance(500);
        nowNanos = 650 * MS;
        bar.advance(100);
        nowNanos = 700 * MS;
        bar.advance(400);
        bar.done();

        String line1 = ProgressBar.line(500, 1000, 100);
        String line2 = ProgressBar.line(1000, 1000, 100);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("\r" + line1 + "\r" + line2 + "\r" + " ".repeat(line2.length()) + "\r");
    }
}
