package io.mp3cast.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about a process: CPU time from {@code /proc/PID/stat} (user + system, all
 * threads, in clock ticks of 10 ms), resident memory from {@code /proc/PID/status}, and for a JVM
 * the heap in use after a full GC, through {@code jcmd}.
 */
final class ProcStat {
    private static final long TICK_NANOS = 1_000_000_000L / clockTicksPerSecond();
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private ProcStat() {}

    /** User + system CPU of the whole process so far, in nanoseconds (10 ms resolution). */
    static long cpuNanos(long pid) {
        String[] f = statFields(pid);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime (fields 14, 15)
        return ticks * TICK_NANOS;
    }

    /**
     * CPU of {@code pid} and all its descendants (a Flask server and its ffmpeg children): their user +
     * system time, plus the children {@code pid} has already reaped (cutime, cstime), in nanoseconds.
     */
    static long treeCpuNanos(long pid) {
        long ticks = 0;
        for (long p : tree(pid)) {
            String[] f = statFields(p);
            if (f.length == 0) {
                continue;  // exited meanwhile
            }
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (p == pid) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
        }
        return ticks * TICK_NANOS;
    }

    /** Proportional set size of {@code pid} and its descendants, in KiB: shared pages counted once overall. */
    static long treePssKib(long pid) {
        long kib = 0;
        for (long p : tree(pid)) {
            for (String line : readOrEmpty(Path.of("/proc/" + p + "/smaps_rollup")).split("\n")) {
                if (line.startsWith("Pss:")) {
                    kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return kib;
    }

    /** {@code pid} and every process descending from it. */
    static List<Long> tree(long pid) {
        java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
        java.io.File[] dirs = new java.io.File("/proc").listFiles((d, name) -> name.chars().allMatch(Character::isDigit));
        for (java.io.File d : dirs == null ? new java.io.File[0] : dirs) {
            long p = Long.parseLong(d.getName());
            String[] f = statFields(p);
            if (f.length > 1) {
                children.computeIfAbsent(Long.parseLong(f[1]), k -> new java.util.ArrayList<>()).add(p);
            }
        }
        List<Long> out = new java.util.ArrayList<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(pid));
        while (!todo.isEmpty()) {
            long p = todo.pop();
            out.add(p);
            todo.addAll(children.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** Fields 3 on of /proc/PID/stat (index 0 is the state), or none when the process is gone. */
    private static String[] statFields(long pid) {
        String stat = readOrEmpty(Path.of("/proc/" + pid + "/stat"));
        if (stat.isEmpty()) {
            return new String[0];
        }
        // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    /** Resident set size in KiB. */
    static long rssKib(long pid) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** Threads of process {@code pid} now (0 if it is gone). */
    static long threads(long pid) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Runs a full GC in JVM {@code pid} and returns the heap in use after it, in KiB. */
    static long heapAfterFullGcKib(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info: no 'heap total ..K, used ..K' in:\n" + info);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The JVM's application threads: its Java threads less those the JVM starts and stops by itself
     * (JIT compiler threads, the attach listener jcmd itself starts), from {@code jcmd Thread.print}.
     */
    static long applicationThreads(long pid) {
        return jcmd(pid, "Thread.print").lines().filter(l -> l.matches("^\"[^\"]*\" #\\d+.*"))
                .filter(l -> !l.startsWith("\"C1 CompilerThread") && !l.startsWith("\"C2 CompilerThread")
                        && !l.startsWith("\"Attach Listener\""))
                .count();
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("jcmd not runnable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
