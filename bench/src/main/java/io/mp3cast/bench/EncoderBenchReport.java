package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Everything {@code bench/run-encoder-bench.sh} prints: {@link EncodeCallBenchmark} under JMH with
 * the GC profiler (time and heap allocation per encode call), then {@link EncoderVsLameCli}, as one
 * Markdown table.
 *
 * <p>Arguments: those of {@link EncoderVsLameCli}, plus {@code --jmh-warmup N}, {@code --jmh-iterations N}
 * (of {@code --jmh-seconds S} each; defaults 3, 5, 2), {@code --jmh-log FILE} (JMH's own output,
 * default {@code bench/target/jmh.log}) and {@code --no-jmh}.
 */
public final class EncoderBenchReport {
    private EncoderBenchReport() {}

    public static void main(String[] args) throws Exception {
        EncoderVsLameCli.Args a = EncoderVsLameCli.Args.parse(args);
        int warmup = 3;
        int iterations = 5;
        int seconds = 2;
        String log = "bench/target/jmh.log";
        boolean jmh = true;
        List<String> rest = a.rest();
        for (int i = 0; i < rest.size(); i++) {
            switch (rest.get(i)) {
                case "--jmh-warmup" -> warmup = Integer.parseInt(rest.get(++i));
                case "--jmh-iterations" -> iterations = Integer.parseInt(rest.get(++i));
                case "--jmh-seconds" -> seconds = Integer.parseInt(rest.get(++i));
                case "--jmh-log" -> log = rest.get(++i);
                case "--no-jmh" -> jmh = false;
                default -> throw new IllegalArgumentException("unknown argument: " + rest.get(i));
            }
        }
        Map<String, double[]> perCall = new HashMap<>();
        if (jmh) {
            System.out.printf("JMH: EncodeCallBenchmark, 1 fork, %d x %d s warm-up, %d x %d s measured, -prof gc (log: %s)%n",
                    warmup, seconds, iterations, seconds, log);
            perCall = runJmh(a.configs(), warmup, iterations, seconds, log);
        }
        EncoderVsLameCli bench = a.bench();
        List<EncoderVsLameCli.Row> rows = bench.runAll(a.configs());
        System.out.println();
        System.out.println(bench.describe());
        if (jmh) {
            System.out.printf("JMH columns: mean wall time and gc.alloc.rate.norm of one steady-state encode call of 1152 sample frames%n");
        }
        System.out.println();
        System.out.println(EncoderVsLameCli.table(rows, perCall));
    }

    private static Map<String, double[]> runJmh(List<BenchConfig> configs, int warmup, int iterations, int seconds,
                                                String log) throws Exception {
        new File(log).getAbsoluteFile().getParentFile().mkdirs();
        List<String> names = new ArrayList<>();
        configs.forEach(c -> names.add(c.name()));
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(EncodeCallBenchmark.class.getName() + ".encodeCall")
                .param("config", names.toArray(String[]::new))
                .forks(1)
                .warmupIterations(warmup).warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(seconds))
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .addProfiler(GCProfiler.class)
                .output(log)
                .build()).run();
        Map<String, double[]> perCall = new HashMap<>();
        for (RunResult r : results) {
            BenchConfig config = BenchConfig.valueOf(r.getParams().getParam("config"));
            EncoderBackend backend = EncoderBackend.valueOf(r.getParams().getParam("backend"));
            perCall.put(EncoderVsLameCli.jmhKey(config, backend),
                    new double[] {r.getPrimaryResult().getScore(), allocNorm(r)});
        }
        return perCall;
    }

    /** {@code gc.alloc.rate.norm}, whose label carries a leading dot in some JMH versions. */
    private static double allocNorm(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
