package io.mp3cast.bench;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * CPU time (user + system) of this process's terminated, reaped children, from
 * {@code getrusage(RUSAGE_CHILDREN)}: microsecond resolution, where {@code /usr/bin/time} prints
 * only hundredths of a second. Linux x86-64/aarch64 layout of {@code struct rusage}.
 */
final class ChildCpu {
    private static final int RUSAGE_CHILDREN = -1;
    private static final Function GETRUSAGE = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("getrusage");

    private ChildCpu() {}

    /** Total CPU nanoseconds of all children reaped so far; take differences around one child. */
    static long nanos() {
        try (Memory usage = new Memory(256)) {
            int rc = GETRUSAGE.invokeInt(new Object[] {RUSAGE_CHILDREN, usage});
            if (rc != 0) {
                throw new IllegalStateException("getrusage failed: " + rc);
            }
            // struct timeval { long tv_sec; long tv_usec; } ru_utime, ru_stime
            long userMicros = usage.getLong(0) * 1_000_000L + usage.getLong(8);
            long systemMicros = usage.getLong(16) * 1_000_000L + usage.getLong(24);
            return (userMicros + systemMicros) * 1000L;
        }
    }
}
