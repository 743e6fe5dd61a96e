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
    void lineShowsPercentBarSecondsOfAudioAndSpeed() {
        assertThat(ProgressBar.line(420, 1000, 100, 2000 * MS))
                .isEqualTo(" 42% [############                  ] 4.2 of 10.0 s at 2.1x");
        assertThat(ProgressBar.line(1000, 1000, 100, 500 * MS))
                .isEqualTo("100% [##############################] 10.0 of 10.0 s at 20.0x");
    }

    @Test
    void lineOfAJobOfUnknownLengthShowsOnlySecondsAndSpeed() {
        assertThat(ProgressBar.line(420, ProgressBar.UNKNOWN_TOTAL, 100, 4200 * MS)).isEqualTo("4.2 s at 1.0x");
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

        String line1 = ProgressBar.line(500, 1000, 100, 600 * MS);
        String line2 = ProgressBar.line(1000, 1000, 100, 700 * MS);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("\r" + line1 + "\r" + line2 + "\r" + " ".repeat(line2.length()) + "\r");
    }

    @Test
    void aShorterLineCoversTheLongerOneBeforeIt() {
        ProgressBar unbounded = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8),
                ProgressBar.UNKNOWN_TOTAL, 100, () -> nowNanos);
        nowNanos = 1000 * MS;
        unbounded.advance(10_000); // 100.0 s at 100.0x
        nowNanos = 100_000 * MS;
        unbounded.advance(0);      // 100.0 s at 1.0x

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("\r100.0 s at 100.0x\r100.0 s at 1.0x  ");
    }
}
