package io.mp3cast.time;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every paced thing of a process (live feeds, push play-outs, per-request streams) on a
 * few threads and one clock, in the manner of OkHttp's {@code TaskRunner}: each {@link Task} says
 * when it wants to run next, and a {@link Job} wakes it early when something happens (audio
 * arrived, a socket became writable). Nothing polls; an idle job costs no thread and no wake-up.
 *
 * <p>Two kinds: {@link #system} runs jobs on its own daemon threads by {@link System#nanoTime()};
 * {@link #manual} has no threads and a virtual clock that only {@link #advanceBy} moves, running
 * due jobs on the caller's thread in time order. Tests use the manual one to check exact amounts
 * of audio without waiting on wall time or guessing when a thread has gone idle.
 *
 * <p>Threading: a job's task never runs on two threads at once; different jobs run in parallel on
 * a system scheduler's threads. Every method may be called from any thread and returns at once:
 * the queue lock is held only to reorder the queue, never while a task runs.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final Comparator<Job> BY_DUE = Comparator.<Job>comparingLong(j -> j.dueNanos).thenComparingLong(j -> j.id);

    private final String name;
    private final boolean manual;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeSet<Job> queue = new TreeSet<>(BY_DUE);
    private final List<Thread> threads = new ArrayList<>();
    // Guarded by lock.
    private long virtualNanos;
    private boolean closed;
    private int jobs;
    private long worstLateNanos;
    private boolean advancing;

    private Scheduler(String name, boolean manual, long startNanos) {
        this.name = name;
        this.manual = manual;
        this.virtualNanos = startNanos;
    }

    /**
     * A scheduler on the system clock with {@code threadCount} daemon threads named
     * {@code name-1}, {@code name-2}, ... Encoding is CPU-bound: one thread per core is plenty.
     */
    public static Scheduler system(String name, int threadCount) {
        return system(name, threadCount, 0);
    }

    /**
     * As {@link #system(String, int)}, its threads at CPU priority {@code nice} (0-19, Linux's nice
     * value; 0 leaves them as they are; ignored where the OS has no per-thread priority). A server
     * runs its encoding threads at a lower priority than its network event loops, so that encoding
     * every core can give never delays the loops' I/O (BENCHMARKS.md, the stall probe).
     */
    public static Scheduler system(String name, int threadCount, int nice) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threadCount not supported: " + threadCount + " (>= 1)");
        }
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice not supported: " + nice + " (0-19)");
        }
        Scheduler s = new Scheduler(name, false, 0);
        for (int i = 1; i <= threadCount; i++) {
            Thread t = new Thread(() -> {
                ThreadNice.set(nice);
                s.work();
            }, name + "-" + i);
            t.setDaemon(true);
            s.threads.add(t);
        }
        s.threads.forEach(Thread::start);
        return s;
    }

    /** A scheduler with no threads whose clock starts at 1 s and moves only by {@link #advanceBy}. */
    public static Scheduler manual() {
        return new Scheduler("manual", true, 1_000_000_000L);
    }

    /** This scheduler's clock: monotonic nanoseconds (virtual for a manual scheduler). */
    public long nanoTime() {
        if (!manual) {
            return System.nanoTime();
        }
        lock.lock();
        try {
            return virtualNanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers {@code task}; it first runs after {@code delayNanos} (0: as soon as possible), or
     * only when woken if the delay is {@link Task#WAIT}. On a system scheduler the task may run
     * before this returns: a task that uses its own {@link Job} is scheduled with {@code WAIT}, and
     * woken once the job is stored.
     */
    public Job schedule(String jobName, long delayNanos, Task task) {
        Job job = new Job(this, jobName, task);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + ": scheduler is closed");
            }
            jobs++;
        } finally {
            lock.unlock();
        }
        if (delayNanos != Task.WAIT) {
            job.wakeIn(delayNanos);
        }
        return job;
    }

    /**
     * Blocks the calling thread until this scheduler's clock reaches {@code deadlineNanos}: the one
     * way a thread that may block (a command-line sender, a reader of a paced source outside the
     * server) waits for audio to be due, on the same clock as the jobs. Never call it from a task.
     * On a manual scheduler it returns once {@link #advanceBy} (on another thread) has passed the
     * deadline; a manual scheduler closed meanwhile never gets there.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        if (!manual) {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return;
        }
        CountDownLatch reached = new CountDownLatch(1);
        Job alarm = new Job(this, "sleep until " + deadlineNanos, () -> {
            reached.countDown();
            return Task.WAIT;
        });
        lock.lock();
        try {
            // Look and queue in one step: an advance that ends between the two would leave the alarm
            // due and unrun until the next one.
            if (virtualNanos >= deadlineNanos) {
                return;
            }
            if (closed) {
                throw new IllegalStateException(name + ": scheduler is closed");
            }
            jobs++;
            enqueue(alarm, deadlineNanos);
        } finally {
            lock.unlock();
        }
        try {
            reached.await();
        } finally {
            alarm.cancel();
        }
    }

    /** Jobs registered and not cancelled. */
    public int jobCount() {
        lock.lock();
        try {
            return jobs;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The most a job started after its due time since the last call, in nanoseconds, and resets it:
     * how far this scheduler's threads fell behind (a stall probe reads it).
     */
    public long takeWorstLatenessNanos() {
        lock.lock();
        try {
            long worst = worstLateNanos;
            worstLateNanos = 0;
            return worst;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Manual schedulers only: moves the clock forward by {@code nanos}, running every job that
     * falls due on the way, in time order, each with the clock at its due time; jobs that the runs
     * make due within the span run too. Returns when the clock has reached the end and nothing is due.
     */
    public void advanceBy(long nanos) {
        if (!manual) {
            throw new IllegalStateException(name + ": advanceBy is for manual schedulers");
        }
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos not supported: " + nanos + " (>= 0)");
        }
        long end;
        lock.lock();
        try {
            if (advancing) {
                throw new IllegalStateException(name + ": advanceBy called from a task");
            }
            advancing = true;
            end = virtualNanos + nanos;
        } finally {
            lock.unlock();
        }
        try {
            Job job;
            while ((job = takeDue(end)) != null) {
                run(job);
            }
        } finally {
            lock.lock();
            try {
                virtualNanos = Math.max(virtualNanos, end);
                advancing = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Manual schedulers only: runs what is due now, as {@code advanceBy(0)}. */
    public void runDue() {
        advanceBy(0);
    }

    /** Manual schedulers only: {@link #advanceBy} in milliseconds. */
    public void advanceMillis(long millis) {
        advanceBy(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Cancels every job and stops the threads (without waiting for a task that is running). Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Job j : queue) {
                j.state = Job.State.CANCELLED;
            }
            queue.clear();
            jobs = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for a closed system scheduler's threads to end; true when they have. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !t.isAlive();
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + (manual ? " (manual)" : " (" + threads.size() + " threads)");
    }

    // ---- job state, under the lock

    void wakeAt(Job job, long nanoTime) {
        lock.lock();
        try {
            long at = Math.max(nanoTime, nowLocked());
            if (at == Long.MAX_VALUE) {
                return;
            }
            switch (job.state) {
                case IDLE -> enqueue(job, at);
                case QUEUED -> {
                    if (at < job.dueNanos) {
                        queue.remove(job);
                        enqueue(job, at);
                    }
                }
                case RUNNING -> job.wokenAtNanos = Math.min(job.wokenAtNanos, at);
                case CANCELLED -> { }
            }
        } finally {
            lock.unlock();
        }
    }

    void cancel(Job job, Runnable release) {
        lock.lock();
        try {
            if (job.state == Job.State.CANCELLED) {
                return;
            }
            cancelLocked(job);
            if (job.running && release != null) {
                job.afterStop = release;
                return;
            }
        } finally {
            lock.unlock();
        }
        if (release != null) {
            release.run();
        }
    }

    private void cancelLocked(Job job) {
        if (job.state == Job.State.QUEUED) {
            queue.remove(job);
        }
        job.state = Job.State.CANCELLED;
        if (!closed) {
            jobs--;
        }
    }

    boolean isCancelled(Job job) {
        lock.lock();
        try {
            return job.state == Job.State.CANCELLED;
        } finally {
            lock.unlock();
        }
    }

    long runs(Job job) {
        lock.lock();
        try {
            return job.runs;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Job job, long at) {
        job.dueNanos = at;
        job.state = Job.State.QUEUED;
        queue.add(job);
        if (queue.first() == job) {
            changed.signal();
        }
    }

    private long nowLocked() {
        return manual ? virtualNanos : System.nanoTime();
    }

    // ---- running

    /**
     * The first job due by {@code end}, marked running, with the virtual clock moved to its due time;
     * null if none, with the clock moved to {@code end} in the same step, so that a job (or a sleeper)
     * due by then cannot slip in after the last look and wait for the next advance.
     */
    private Job takeDue(long end) {
        lock.lock();
        try {
            if (queue.isEmpty() || queue.first().dueNanos > end) {
                virtualNanos = Math.max(virtualNanos, end);
                return null;
            }
            Job job = queue.pollFirst();
            virtualNanos = Math.max(virtualNanos, job.dueNanos);
            return start(job);
        } finally {
            lock.unlock();
        }
    }

    private Job start(Job job) {
        job.state = Job.State.RUNNING;
        job.running = true;
        job.wokenAtNanos = Long.MAX_VALUE;
        job.runs++;
        worstLateNanos = Math.max(worstLateNanos, nowLocked() - job.dueNanos);
        return job;
    }

    private void work() {
        while (true) {
            Job job;
            try {
                job = awaitDue();
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                return;
            }
            run(job);
        }
    }

    /** A system scheduler's thread: waits for the first due job; null once closed. */
    private Job awaitDue() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                if (queue.isEmpty()) {
                    changed.await();
                    continue;
                }
                long wait = queue.first().dueNanos - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                    continue;
                }
                Job job = start(queue.pollFirst());
                if (!queue.isEmpty()) {
                    changed.signal();  // another thread may take the next one
                }
                return job;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void run(Job job) {
        long delay;
        boolean failed = false;
        try {
            delay = job.task.runOnce();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: {} failed and is cancelled: {}", name, job.name, e.toString(), e);
            delay = Task.WAIT;
            failed = true;
        }
        Runnable release;
        lock.lock();
        try {
            job.running = false;
            if (failed && job.state != Job.State.CANCELLED) {
                cancelLocked(job);
            }
            release = job.afterStop;
            job.afterStop = null;
            if (job.state == Job.State.RUNNING) {
                reschedule(job, delay);
            }
        } finally {
            lock.unlock();
        }
        if (release != null) {
            release.run();
        }
    }

    /** Under the lock, after a run: queues the job for the earlier of its own delay and a wake-up during the run. */
    private void reschedule(Job job, long delay) {
        long now = nowLocked();
        long next = delay < 0 || delay >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delay;
        next = Math.min(next, job.wokenAtNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(job.wokenAtNanos, now));
        if (next == Long.MAX_VALUE || closed) {
            job.state = Job.State.IDLE;
        } else {
            enqueue(job, next);
        }
    }
}
