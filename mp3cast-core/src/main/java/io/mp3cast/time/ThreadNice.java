package io.mp3cast.time;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the calling thread alone: on Linux the nice value is a per-thread
 * attribute, and {@code setpriority(PRIO_PROCESS, 0, n)} sets the caller's. A scheduler's threads
 * take it so that encoding, which may use every core, never delays a network event loop at nice 0:
 * the kernel then wakes a loop ahead of an encoding thread instead of letting it wait its turn.
 * Raising one's own nice value needs no privilege. Elsewhere (or when libc cannot be bound) it does
 * nothing and says so once at debug level.
 */
final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static final int PRIO_PROCESS = 0;
    private static final boolean BOUND = bind();

    private ThreadNice() {}

    /** Sets the calling thread's nice value to {@code nice} (0-19, checked by the caller); whether it was set. */
    static boolean set(int nice) {
        if (!BOUND || nice == 0) {
            return false;
        }
        try {
            return setpriority(PRIO_PROCESS, 0, nice) == 0;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.debug("cannot lower {}'s priority: {}", Thread.currentThread().getName(), e.toString());
            return false;
        }
    }

    private static boolean bind() {
        if (!Platform.isLinux()) {
            LOG.debug("thread priorities: per-thread nice values are Linux's; scheduler threads keep theirs");
            return false;
        }
        try {
            Native.register(ThreadNice.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.debug("thread priorities: cannot bind libc's setpriority: {}", e.toString());
            return false;
        }
    }

    private static native int setpriority(int which, int who, int prio);
}
