package io.mp3cast.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PaceTest {
    private static final long MS = 1_000_000L;
    private static final long START = 5_000 * MS;

    @Test
    void aFrameIsDueItsShareOfASecondAfterTheStartRoundedUpSoNoneIsEarly() {
        Pace pace = new Pace(24000, START);
        assertThat(pace.dueNanos(0)).isEqualTo(START);
        assertThat(pace.dueNanos(24)).isEqualTo(START + MS);
        assertThat(pace.dueNanos(1)).isEqualTo(START + 41_667);  // 41,666.67 ns, rounded up
        assertThat(pace.dueBeyondPosition(START + 41_666)).isZero();
        assertThat(pace.dueBeyondPosition(START + 41_667)).isEqualTo(1);
        assertThat(pace.dueBeyondPosition(START - MS)).isZero();
    }

    @Test
    void whatIsOwedIsEverythingDueLessWhatWasHandedOutSoTimeSpentInBetweenAddsNoDrift() {
        Pace pace = new Pace(24000, START);
        long now = START;
        for (int step = 1; step <= 1000; step++) {
            now = pace.dueNanos(pace.position() + 2400) + 3 * MS;  // every step runs 3 ms late
            pace.advance(pace.dueBeyondPosition(now));
        }
        // Each run hands out all that is due, the 3 ms of lateness included: nothing is lost or
        // handed out twice, and the position is exactly the audio due at the last run.
        assertThat(now - START).isEqualTo(103_000 * MS);
        assertThat(pace.position()).isEqualTo(103_000 * 24);
    }

    @Test
    void aReaderBehindIsOwedAllThatIsDueAtOnceAndNotHeldBack() {
        Pace pace = new Pace(24000, START);
        pace.advance(2400);
        long afterStall = START + 450 * MS;
        assertThat(pace.lateNanos(afterStall)).isEqualTo(350 * MS);
        assertThat(pace.dueBeyondPosition(afterStall)).isEqualTo(450 * 24 - 2400);
    }

    @Test
    void aSenderInNanosecondsOfAudioWaitsForEachBlocksStartAndTheFirstBlockStartsTheClock() {
        long now = START;
        long firstBlockAt = 1_000 * MS;  // audio that starts 1 s in: the clock starts there, not at 0
        Pace pace = new Pace(Pace.NANOS, now - firstBlockAt);
        assertThat(pace.dueNanos(firstBlockAt)).isEqualTo(now);
        assertThat(pace.dueNanos(firstBlockAt + 100 * MS)).isEqualTo(now + 100 * MS);
    }

    @Test
    void restartingMakesThePositionDueNowAndKeepsTheRateFromThere() {
        Pace pace = new Pace(48000, START);
        pace.advance(48000);
        pace.restartAt(START + 10_000 * MS);
        assertThat(pace.dueNanos()).isEqualTo(START + 10_000 * MS);
        assertThat(pace.lateNanos(START + 10_000 * MS)).isZero();
        assertThat(pace.dueNanos(pace.position() + 4800)).isEqualTo(START + 10_100 * MS);
    }

    @Test
    void daysOfAudioDoNotOverflow() {
        Pace pace = new Pace(48000, START);
        long days = 30L * 24 * 3600;
        assertThat(pace.dueNanos(days * 48000)).isEqualTo(START + days * Pace.NANOS);
        assertThat(pace.dueBeyondPosition(START + days * Pace.NANOS)).isEqualTo(days * 48000);
        Pace nanos = new Pace(Pace.NANOS, 0);
        assertThat(nanos.dueBeyondPosition(days * Pace.NANOS)).isEqualTo(days * Pace.NANOS);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> new Pace(0, START)).hasMessage("rateHz not supported: 0 (1-1000000000)");
        assertThatThrownBy(() -> new Pace(24000, START).advance(-1)).hasMessage("units not supported: -1 (>= 0)");
    }
}
