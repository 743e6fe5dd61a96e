package io.mp3cast.bench;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * CPU clocks at microsecond (children) or nanosecond (this process) resolution, from libc through
 * JNA. {@code /usr/bin/time} and {@code OperatingSystemMXBean.getProcessCpuTime()} both round to
 * hundredths of a second here, too coarse for runs of a few hundred milliseconds.
 * Linux x86-64/aarch64 layouts of {@code struct rusage} and {@code struct timespec}.
 */
final class CpuClock {
    private static final int RUSAGE_CHILDREN = -1;
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final NativeLibrary LIBC = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
    private static final Function GETRUSAGE = LIBC.getFunction("getrusage");
    private static final Function CLOCK_GETTIME = LIBC.getFunction("clock_gettime");

    private CpuClock() {}

    /**
     * User + system CPU nanoseconds of all children of this process that have ended and been
     * reaped ({@code getrusage(RUSAGE_CHILDREN)}); take differences around one child.
     */
    static long childrenNanos() {
        try (Memory usage = new Memory(256)) {
            check("getrusage", GETRUSAGE.invokeInt(new Object[] {RUSAGE_CHILDREN, usage}));
            // struct timeval { long tv_sec; long tv_usec; } ru_utime, ru_stime
            long userMicros = usage.getLong(0) * 1_000_000L + usage.getLong(8);
            long systemMicros = usage.getLong(16) * 1_000_000L + usage.getLong(24);
            return (userMicros + systemMicros) * 1000L;
        }
    }

    /** CPU nanoseconds of this whole process, all threads: JIT compilers and GC included. */
    static long processNanos() {
        try (Memory ts = new Memory(16)) {
            check("clock_gettime", CLOCK_GETTIME.invokeInt(new Object[] {CLOCK_PROCESS_CPUTIME_ID, ts}));
            return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) {
            throw new IllegalStateException(call + " failed: " + rc);
        }
    }
}
