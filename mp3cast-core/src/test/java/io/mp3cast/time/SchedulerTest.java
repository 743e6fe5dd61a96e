package io.mp3cast.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private static final long MS = 1_000_000L;

    @Test
    void aManualSchedulerRunsDueJobsInTimeOrderWithTheClockAtEachDueTime() {
        Scheduler s = Scheduler.manual();
        long start = s.nanoTime();
        List<String> runs = new ArrayList<>();
        s.schedule("b", 20 * MS, () -> {
            runs.add("b@" + (s.nanoTime() - start) / MS);
            return Task.WAIT;
        });
        s.schedule("a", 10 * MS, () -> {
            runs.add("a@" + (s.nanoTime() - start) / MS);
            return Task.WAIT;
        });
        s.advanceMillis(15);
        assertThat(runs).containsExactly("a@10");
        s.advanceMillis(15);
        assertThat(runs).containsExactly("a@10", "b@20");
        assertThat(s.nanoTime() - start).isEqualTo(30 * MS);
    }

    @Test
    void aTaskPacedByAnAbsoluteScheduleRunsExactlyOncePerPeriodWithoutDrift() {
        Scheduler s = Scheduler.manual();
        long start = s.nanoTime();
        AtomicLong n = new AtomicLong();
        s.schedule("pacer", 0, () -> {
            long k = n.incrementAndGet();
            return start + k * 24 * MS - s.nanoTime();
        });
        s.advanceMillis(24_000);
        // Runs at 0, 24, ..., 24000 ms.
        assertThat(n.get()).isEqualTo(1001);
    }

    @Test
    void aWaitingJobRunsOnlyWhenWokenAndWakeUpsCoalesce() {
        Scheduler s = Scheduler.manual();
        AtomicInteger runs = new AtomicInteger();
        Job job = s.schedule("waiter", Task.WAIT, () -> {
            runs.incrementAndGet();
            return Task.WAIT;
        });
        s.advanceMillis(1000);
        assertThat(runs).hasValue(0);
        job.wake();
        job.wake();
        job.wakeIn(5 * MS);
        s.runDue();
        assertThat(runs).hasValue(1);
        s.advanceMillis(100);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aWakeUpEarlierThanTheJobsNextRunMovesItForwardAndALaterOneDoesNot() {
        Scheduler s = Scheduler.manual();
        long start = s.nanoTime();
        List<Long> at = new ArrayList<>();
        Job job = s.schedule("j", 100 * MS, () -> {
            at.add((s.nanoTime() - start) / MS);
            return Task.WAIT;
        });
        job.wakeAt(start + 200 * MS);
        job.wakeAt(start + 40 * MS);
        s.advanceMillis(300);
        assertThat(at).containsExactly(40L);
    }

    @Test
    void aJobWokenWhileItRunsRunsOnceMoreRightAfter() {
        Scheduler s = Scheduler.manual();
        AtomicInteger runs = new AtomicInteger();
        Job[] self = new Job[1];
        self[0] = s.schedule("self-waking", 0, () -> {
            if (runs.incrementAndGet() == 1) {
                self[0].wake();
            }
            return Task.WAIT;
        });
        s.runDue();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aCancelledJobNeverRunsAgainAndLeavesTheCount() {
        Scheduler s = Scheduler.manual();
        AtomicInteger runs = new AtomicInteger();
        Job job = s.schedule("j", 0, () -> {
            runs.incrementAndGet();
            return 10 * MS;
        });
        s.advanceMillis(25);
        assertThat(runs).hasValue(3);
        assertThat(s.jobCount()).isEqualTo(1);
        job.cancel();
        job.cancel();
        job.wake();
        s.advanceMillis(100);
        assertThat(runs).hasValue(3);
        assertThat(job.isCancelled()).isTrue();
        assertThat(s.jobCount()).isZero();
    }

    @Test
    void aReleaseGivenWithCancelRunsAtOnceWhenTheJobIsNotRunningElseRightAfterItsRun() {
        Scheduler s = Scheduler.manual();
        List<String> events = new ArrayList<>();
        Job idle = s.schedule("idle", Task.WAIT, () -> Task.WAIT);
        idle.cancel(() -> events.add("idle released"));
        assertThat(events).containsExactly("idle released");
        idle.cancel(() -> events.add("released twice"));

        Job[] self = new Job[1];
        self[0] = s.schedule("busy", 0, () -> {
            events.add("run starts");
            self[0].cancel(() -> events.add("busy released"));
            events.add("run ends");
            return 0;
        });
        s.advanceMillis(10);
        assertThat(events).containsExactly("idle released", "run starts", "run ends", "busy released");
        assertThat(self[0].runs()).isEqualTo(1);
        assertThat(s.jobCount()).isZero();
    }

    @Test
    void aTaskThatThrowsIsCancelledAndOthersRunOn() {
        Scheduler s = Scheduler.manual();
        AtomicInteger other = new AtomicInteger();
        Job bad = s.schedule("bad", 0, () -> {
            throw new IllegalStateException("boom");
        });
        s.schedule("good", 0, () -> {
            other.incrementAndGet();
            return 10 * MS;
        });
        s.advanceMillis(30);
        assertThat(bad.isCancelled()).isTrue();
        assertThat(other).hasValue(4);
    }

    @Test
    void manualOnlyCallsAreRefusedOnASystemSchedulerAndBadArgumentsAreNamed() {
        try (Scheduler s = Scheduler.system("t", 1)) {
            assertThatThrownBy(() -> s.advanceBy(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("manual");
        }
        assertThatThrownBy(() -> Scheduler.system("t", 0)).hasMessage("threadCount not supported: 0 (>= 1)");
        assertThatThrownBy(() -> Scheduler.manual().advanceBy(-1)).hasMessage("nanos not supported: -1 (>= 0)");
    }

    @Test
    void aSystemSchedulerRunsJobsOnItsThreadsNeverOneJobOnTwoAtOnce() throws Exception {
        try (Scheduler s = Scheduler.system("sys", 2)) {
            int jobs = 50;
            int runsEach = 20;
            CountDownLatch done = new CountDownLatch(jobs);
            AtomicInteger overlaps = new AtomicInteger();
            List<String> threadNames = Collections.synchronizedList(new ArrayList<>());
            List<Job> all = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger count = new AtomicInteger();
                Job[] self = new Job[1];
                self[0] = s.schedule("j" + i, Task.WAIT, () -> {
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    threadNames.add(Thread.currentThread().getName());
                    self[0].wake();  // woken while running: must run again after, not alongside
                    int c = count.incrementAndGet();
                    inside.decrementAndGet();
                    if (c == runsEach) {
                        self[0].cancel();  // before the count-down, which lets the test check it
                        done.countDown();
                    }
                    return 0;
                });
                all.add(self[0]);
                self[0].wake();  // after self[0] is set: a system thread may run it at once
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).as("all jobs ran %d times", runsEach).isTrue();
            assertThat(overlaps).hasValue(0);
            assertThat(threadNames).allMatch(n -> n.startsWith("sys-"));
            assertThat(all).allMatch(Job::isCancelled);
        }
    }

    @Test
    void aSystemSchedulersThreadsRunAtTheNiceValueAskedForAndOtherThreadsKeepTheirs() throws Exception {
        Path self = Path.of("/proc/thread-self/stat");
        Assumptions.assumeTrue(Files.isReadable(self), "per-thread nice values are Linux's (no /proc/thread-self)");
        try (Scheduler s = Scheduler.system("nice", 2, 10)) {
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch ran = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                s.schedule("probe" + i, 0, () -> {
                    seen.add(niceOf(self));
                    ran.countDown();
                    return Task.WAIT;
                });
            }
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsOnly(10);
        }
        assertThat(niceOf(self)).as("the test's own thread").isZero();
        assertThatThrownBy(() -> Scheduler.system("t", 1, 20)).hasMessage("nice not supported: 20 (0-19)");
    }

    /** Field 19 of /proc/thread-self/stat, after the command name in parentheses. */
    private static int niceOf(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSystemSchedulerWakesAJobFromAnotherThreadAndStopsItsThreadsWhenClosed() throws Exception {
        Scheduler s = Scheduler.system("wake", 1);
        CountDownLatch ran = new CountDownLatch(1);
        Job job = s.schedule("waiter", Task.WAIT, () -> {
            ran.countDown();
            return Task.WAIT;
        });
        Thread other = new Thread(job::wake);
        other.start();
        other.join();
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        s.close();
        assertThat(s.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> s.schedule("late", 0, () -> Task.WAIT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThreadSleepingOnAManualSchedulerWakesWhenTheClockPassesItsDeadlineAndNotBefore() throws Exception {
        Scheduler s = Scheduler.manual();
        long deadline = s.nanoTime() + 100 * MS;
        AtomicLong wokeAt = new AtomicLong();
        CountDownLatch woke = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                s.sleepUntil(deadline);
                wokeAt.set(s.nanoTime());
                woke.countDown();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        sleeper.start();
        s.advanceMillis(99);
        assertThat(woke.getCount()).isEqualTo(1);
        s.advanceMillis(1);
        assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(wokeAt.get()).isGreaterThanOrEqualTo(deadline);
        sleeper.join();
        assertThat(s.jobCount()).isZero();
        s.sleepUntil(deadline);  // a deadline already passed returns at once
    }

    @Test
    void aSleeperInterruptedOnAManualSchedulerLeavesNoJobBehind() throws Exception {
        Scheduler s = Scheduler.manual();
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                s.sleepUntil(s.nanoTime() + 1000 * MS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        sleeper.start();
        sleeper.interrupt();
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        sleeper.join();
        assertThat(s.jobCount()).isZero();
    }

    @Test
    void aThreadSleepingOnASystemSchedulerWakesNoSoonerThanItsDeadline() throws Exception {
        try (Scheduler s = Scheduler.system("sleep", 1)) {
            long deadline = s.nanoTime() + 5 * MS;
            s.sleepUntil(deadline);
            assertThat(s.nanoTime()).isGreaterThanOrEqualTo(deadline);
        }
    }
}
