package io.mp3cast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every load client does around its run: a time limit it cannot outlive, and the load average. */
final class Watchdog {
    private Watchdog() {}

    /** Halts the JVM (exit code 3) if it still runs after {@code seconds}: a bench stops by itself. */
    static void start(String who, long seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000L);
                System.err.println(who + ": time limit of " + seconds + " s reached; stopping");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** The 1, 5 and 15 minute load averages, or "?". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
