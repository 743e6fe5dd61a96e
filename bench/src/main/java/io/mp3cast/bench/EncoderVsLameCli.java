package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU per second of audio: both backends of {@link Mp3Encoder} against the {@code lame} CLI on
 * the same signal, interleaved round by round so load from other processes hits all of them alike.
 *
 * <p>Per config: the signal is written as a 16-bit WAV for lame and kept as floats
 * ({@code s / 32768f}) for the Java side. Each round runs, in an order shuffled every round
 * (lame and native always back to back):
 * <ul>
 *   <li>{@code lame} on the full WAV, CPU = user + system of the child ({@code getrusage(RUSAGE_CHILDREN)});</li>
 *   <li>{@code lame} on a 0.1 s WAV of the same signal, the CLI's start-up cost, subtracted from the above;</li>
 *   <li>{@code lame} with its default ReplayGain analysis on, for reference;</li>
 *   <li>the native and the Java backend, CPU = the encoding thread's CPU time (ThreadMXBean) for
 *       encode calls of 1152 sample frames plus {@code finish}, after warm-up rounds.</li>
 * </ul>
 * Medians over the rounds are reported; the lame CLI net of start-up is the reference (ratio 1.0),
 * as a ratio of medians, as the median of per-round ratios (each run against the lame run of its
 * own round, which cancels load that drifts from round to round) and as a ratio of minimums (load
 * from other processes only ever adds CPU time, so the minimum is the least disturbed run).
 *
 * <p>Arguments: {@code --seconds S} (signal length, default 120), {@code --rounds N} (default 7),
 * {@code --warmup N} (default 3), {@code --lame PATH} (default lame), {@code --config NAME} (repeatable;
 * default both).
 */
public final class EncoderVsLameCli {
    private static final int FRAMES_PER_CALL = 1152;
    private static final double TINY_SECONDS = 0.1;

    private final double seconds;
    private final int rounds;
    private final int warmupRounds;
    private final String lame;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private EncoderVsLameCli(double seconds, int rounds, int warmupRounds, String lame) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.warmupRounds = warmupRounds;
        this.lame = lame;
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        if (!a.rest().isEmpty()) {
            throw new IllegalArgumentException("unknown argument: " + a.rest().get(0));
        }
        EncoderVsLameCli bench = a.bench();
        List<Row> rows = bench.runAll(a.configs());
        System.out.println();
        System.out.println(bench.describe());
        System.out.println(table(rows, Map.of()));
    }

    List<Row> runAll(List<BenchConfig> configs) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (BenchConfig config : configs) {
            rows.addAll(run(config));
        }
        return rows;
    }

    /** The arguments in the class comment; {@code rest} holds those it does not know, in order. */
    record Args(double seconds, int rounds, int warmup, String lame, List<BenchConfig> configs, List<String> rest) {
        static Args parse(String[] args) {
            double seconds = 120;
            int rounds = 7;
            int warmup = 3;
            String lame = "lame";
            List<BenchConfig> configs = new ArrayList<>();
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--lame" -> lame = args[++i];
                    case "--config" -> configs.add(BenchConfig.valueOf(args[++i]));
                    default -> rest.add(args[i]);
                }
            }
            if (configs.isEmpty()) {
                configs.addAll(Arrays.asList(BenchConfig.values()));
            }
            return new Args(seconds, rounds, warmup, lame, configs, rest);
        }

        EncoderVsLameCli bench() {
            return new EncoderVsLameCli(seconds, rounds, warmup, lame);
        }
    }

    String describe() {
        return String.format(Locale.ROOT, "signal %.0f s per config, %d interleaved rounds (+%d warm-up), LAME -q %d, CBR,"
                + " no tag, %d sample frames per encode call; medians [min-max] over rounds", seconds, rounds,
                warmupRounds, BenchConfig.LAME_QUALITY, FRAMES_PER_CALL);
    }

    /**
     * The Markdown table; {@code perCall} adds JMH's figures (us per call, bytes allocated per call)
     * to the backend rows, keyed by {@link #jmhKey}.
     */
    static String table(List<Row> rows, Map<String, double[]> perCall) {
        StringBuilder t = new StringBuilder();
        t.append("| config | encoder | CPU ms per s of audio, median [min-max] | x real time per core | ratio to lame CLI"
                + " (of medians) | ratio to lame CLI (median of per-round ratios) | process CPU ms/s (with GC, JIT)"
                + " | ratio to lame CLI (of minimums) | JMH us per call | JMH bytes allocated per call |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            double[] jmh = r.backend == null ? null : perCall.get(jmhKey(r.config, r.backend));
            t.append(String.format(Locale.ROOT, "| %s | %s | %s [%s-%s] | %.0fx | %.2f | %.2f | %s | %.2f | %s | %s |%n",
                    r.config.label, r.encoder, fmt(r.cpuMsPerSecond), fmt(r.minMsPerSecond), fmt(r.maxMsPerSecond),
                    1000 / r.cpuMsPerSecond, r.ratioToLame, r.pairedRatioToLame,
                    Double.isNaN(r.processMsPerSecond) ? "-" : fmt(r.processMsPerSecond), r.minRatioToLame,
                    jmh == null ? "-" : String.format(Locale.ROOT, "%.0f", jmh[0]),
                    jmh == null ? "-" : String.format(Locale.ROOT, jmh[1] < 100 ? "%.1f" : "%.0f", jmh[1])));
        }
        return t.toString();
    }

    static String jmhKey(BenchConfig config, EncoderBackend backend) {
        return config.name() + "/" + backend.name();
    }

    /** One config: all rounds, then its table rows. */
    List<Row> run(BenchConfig config) throws IOException, InterruptedException {
        int rate = config.format.sampleRateHz();
        int channels = config.format.channels();
        short[] pcm = TestSignal.generate(rate, channels, seconds);
        float[] samples = TestSignal.toFloats(pcm);
        Path dir = Files.createTempDirectory("mp3cast-bench-");
        Path wav = dir.resolve("signal.wav");
        Path tinyWav = dir.resolve("tiny.wav");
        Path mp3 = dir.resolve("signal.mp3");
        TestSignal.writeWav(wav, pcm, rate, channels);
        TestSignal.writeWav(tinyWav, Arrays.copyOf(pcm, (int) (TINY_SECONDS * rate) * channels), rate, channels);

        System.out.printf(Locale.ROOT, "%n%s: %s%n", config.label, sameOutput(config, wav, mp3, pcm, samples));
        System.out.printf(Locale.ROOT, "  warming up%n");
        for (int i = 0; i < warmupRounds; i++) {
            lameCpu(config, wav, mp3, false);
            encodeCpu(config, EncoderBackend.NATIVE, samples);
            encodeCpu(config, EncoderBackend.JAVA, samples);
        }
        Map<String, Sample[]> results = new LinkedHashMap<>();
        String[] names = {"lame CLI", "lame CLI 0.1 s (start-up)", "lame CLI, ReplayGain on (its default)", "native", "java"};
        for (String name : names) {
            results.put(name, new Sample[rounds]);
        }
        long[] outputBytes = new long[names.length];
        java.util.Random shuffle = new java.util.Random(7);
        for (int r = 0; r < rounds; r++) {
            for (int which : roundOrder(shuffle)) {
                Sample s = switch (which) {
                    case 0 -> lameCpu(config, wav, mp3, false);
                    case 1 -> lameCpu(config, tinyWav, dir.resolve("tiny.mp3"), false);
                    case 2 -> lameCpu(config, wav, dir.resolve("signal-rg.mp3"), true);
                    case 3 -> encodeCpu(config, EncoderBackend.NATIVE, samples);
                    default -> encodeCpu(config, EncoderBackend.JAVA, samples);
                };
                results.get(names[which])[r] = s;
                outputBytes[which] = s.outputBytes;
            }
            System.out.printf(Locale.ROOT, "  round %d: lame %.1f ms, lame 0.1 s %.1f ms, native %.1f ms, java %.1f ms%n", r + 1,
                    results.get(names[0])[r].cpuNanos / 1e6, results.get(names[1])[r].cpuNanos / 1e6,
                    results.get(names[3])[r].cpuNanos / 1e6, results.get(names[4])[r].cpuNanos / 1e6);
        }
        System.out.printf(Locale.ROOT, "  output bytes: lame %d, native %d, java %d%n", outputBytes[0], outputBytes[3], outputBytes[4]);
        deleteAll(dir);
        return rows(config, results, names);
    }

    /**
     * A new order every round, so no contender always follows the same one (or the same GC); but
     * lame (0) and native (3) always back to back, in either order, so that a burst of load from
     * other processes is likely to hit both of the pair behind the per-round ratio, or neither.
     */
    private static List<Integer> roundOrder(java.util.Random random) {
        List<List<Integer>> groups = new ArrayList<>(List.of(
                random.nextBoolean() ? List.of(0, 3) : List.of(3, 0), List.of(1), List.of(2), List.of(4)));
        java.util.Collections.shuffle(groups, random);
        List<Integer> order = new ArrayList<>();
        groups.forEach(order::addAll);
        return order;
    }

    private List<Row> rows(BenchConfig config, Map<String, Sample[]> results, String[] names) {
        double startup = median(results.get(names[1]), false);
        double lameNet = median(results.get(names[0]), false) - startup;
        List<Row> rows = new ArrayList<>();
        Sample[] lame = results.get(names[0]);
        rows.add(row(config, "lame CLI, net of start-up (reference)", null, lame, startup, lameNet, lame, startup));
        rows.add(row(config, "lame CLI as measured (start-up " + fmt(startup / 1e6) + " ms per run)", null,
                lame, 0, lameNet, lame, startup));
        rows.add(row(config, "lame CLI with ReplayGain (its default), net", null, results.get(names[2]), startup,
                lameNet, lame, startup));
        rows.add(row(config, "**native** (libmp3lame via JNA)", EncoderBackend.NATIVE, results.get(names[3]), 0,
                lameNet, lame, startup));
        rows.add(row(config, "**java** (jump3r)", EncoderBackend.JAVA, results.get(names[4]), 0, lameNet, lame, startup));
        return rows;
    }

    /**
     * {@code subtract} comes off every sample; the ratio of medians divides by {@code reference}; the
     * paired ratio divides each round's figure by that round's lame CLI run, net of {@code startup}.
     */
    private Row row(BenchConfig config, String name, EncoderBackend backend, Sample[] samples, double subtract,
                    double reference, Sample[] lame, double startup) {
        double perSecond = 1e6 * seconds;
        double cpu = median(samples, false) - subtract;
        double min = Arrays.stream(samples).mapToLong(s -> s.cpuNanos).min().orElse(0) - subtract;
        double max = Arrays.stream(samples).mapToLong(s -> s.cpuNanos).max().orElse(0) - subtract;
        double process = backend == null ? Double.NaN : median(samples, true) / perSecond;
        double[] paired = new double[samples.length];
        for (int r = 0; r < samples.length; r++) {
            paired[r] = (samples[r].cpuNanos - subtract) / (lame[r].cpuNanos - startup);
        }
        double lameMin = Arrays.stream(lame).mapToLong(s -> s.cpuNanos).min().orElse(0) - startup;
        return new Row(config, name, backend, cpu / perSecond, min / perSecond, max / perSecond, cpu / reference,
                median(paired), min / lameMin, process);
    }

    /** One line of the table; {@code backend} is null for the lame CLI. All CPU figures in ms per second of audio. */
    record Row(BenchConfig config, String encoder, EncoderBackend backend, double cpuMsPerSecond, double minMsPerSecond,
               double maxMsPerSecond, double ratioToLame, double pairedRatioToLame, double minRatioToLame,
               double processMsPerSecond) {}

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static double median(Sample[] samples, boolean process) {
        return median(Arrays.stream(samples).mapToDouble(s -> process ? s.processCpuNanos : s.cpuNanos).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private Sample lameCpu(BenchConfig config, Path wav, Path mp3, boolean replayGain)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(config.lameCommand(lame, wav.toString(), mp3.toString(), replayGain))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long before = CpuClock.childrenNanos();
        int rc = pb.start().waitFor();
        long cpu = CpuClock.childrenNanos() - before;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", pb.command()) + " exited with " + rc);
        }
        return new Sample(cpu, cpu, Files.size(mp3));
    }

    private Sample encodeCpu(BenchConfig config, EncoderBackend backend, float[] samples) {
        long[] bytes = {0};
        FrameSink sink = (data, offset, length) -> bytes[0] += length;
        int step = FRAMES_PER_CALL * config.format.channels();
        settle();
        try (Mp3Encoder encoder = Mp3Encoder.open(config.format, config.settings(backend))) {
            if (encoder.backend() != backend) {
                throw new IllegalStateException("asked for " + backend + ", got " + encoder.backend());
            }
            long process0 = CpuClock.processNanos();
            long thread0 = threads.getCurrentThreadCpuTime();
            for (int off = 0; off < samples.length; off += step) {
                encoder.encode(samples, off, Math.min(step, samples.length - off), sink);
            }
            encoder.finish(sink);
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long process = CpuClock.processNanos() - process0;
            return new Sample(thread, process, bytes[0]);
        }
    }

    /**
     * Proof that the lame CLI is asked for the same encoding: its output against libmp3lame's,
     * set up like the native backend, on the same int16 samples; and the native backend's size.
     */
    private String sameOutput(BenchConfig config, Path wav, Path mp3, short[] pcm, float[] samples)
            throws IOException, InterruptedException {
        lameCpu(config, wav, mp3, false);
        byte[] cli = Files.readAllBytes(mp3);
        String settings = LameCliCheck.compare(cli, LameCliCheck.encodeInt16(config, pcm));
        long[] bytes = {0};
        FrameSink sink = (data, offset, length) -> bytes[0] += length;
        int step = FRAMES_PER_CALL * config.format.channels();
        try (Mp3Encoder encoder = Mp3Encoder.open(config.format, config.settings(EncoderBackend.NATIVE))) {
            for (int off = 0; off < samples.length; off += step) {
                encoder.encode(samples, off, Math.min(step, samples.length - off), sink);
            }
            encoder.finish(sink);
        }
        return "lame CLI output vs libmp3lame int16 path with the native backend's settings: " + settings
                + "; native backend (float path): " + bytes[0] + " bytes";
    }

    /**
     * Collects the garbage of earlier runs (the Java backend's above all) and gives background
     * JIT and GC work a moment to finish, so the next run's process CPU is its own.
     */
    private static void settle() {
        System.gc();
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** One timed encode: CPU of the encoding thread (or child process), of the whole process, and MP3 bytes out. */
    private record Sample(long cpuNanos, long processCpuNanos, long outputBytes) {}
}
