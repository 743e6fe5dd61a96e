package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When paced blocks go out, against a clock that moves only when slept on or pushed by hand. */
class PacerTest {
    private static final long MS = 1_000_000L;

    private final FakeClock clock = new FakeClock(5_000 * MS);
    private final Pacer pacer = new Pacer(clock);

    @Test
    void firstBlockGoesAtOnce() throws Exception {
        pacer.awaitAudioAt(0);

        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void eachBlockWaitsUntilItsAudioIsDue() throws Exception {
        pacer.awaitAudioAt(0);
        pacer.awaitAudioAt(100 * MS);
        pacer.awaitAudioAt(200 * MS);

        assertThat(clock.sleeps).containsExactly(100 * MS, 100 * MS);
    }

    @Test
    void timeSpentSendingIsTakenOffTheWaitSoNoDriftAccumulates() throws Exception {
        pacer.awaitAudioAt(0);
        clock.now += 30 * MS; // sending the first block took 30 ms
        pacer.awaitAudioAt(100 * MS);
        clock.now += 30 * MS;
        pacer.awaitAudioAt(200 * MS);

        assertThat(clock.sleeps).containsExactly(70 * MS, 70 * MS);
        assertThat(clock.now).isEqualTo(5_000 * MS + 200 * MS);
    }

    @Test
    void senderBehindScheduleIsNotHeldBackUntilItHasCaughtUp() throws Exception {
        pacer.awaitAudioAt(0);
        clock.now += 350 * MS; // a stall
        pacer.awaitAudioAt(100 * MS);
        pacer.awaitAudioAt(200 * MS);
        pacer.awaitAudioAt(300 * MS);
        pacer.awaitAudioAt(400 * MS);

        assertThat(clock.sleeps).containsExactly(50 * MS);
    }

    @Test
    void clockStartsAtTheFirstBlockWhereverItsAudioStarts() throws Exception {
        pacer.awaitAudioAt(1_000 * MS);
        pacer.awaitAudioAt(1_100 * MS);

        assertThat(clock.sleeps).containsExactly(100 * MS);
    }

    private static final class FakeClock implements Pacer.Clock {
        final List<Long> sleeps = new ArrayList<>();
        long now;

        FakeClock(long now) {
            this.now = now;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }
}
