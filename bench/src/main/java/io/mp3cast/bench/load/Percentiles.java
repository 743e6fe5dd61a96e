package io.mp3cast.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Median, 99th percentile and maximum of a list of values (nearest rank). */
record Percentiles(int count, long p50, long p99, long max) {

    static Percentiles of(List<Long> values) {
        if (values.isEmpty()) {
            return new Percentiles(0, -1, -1, -1);
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Percentiles(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    /** The value at or below which {@code p} of the values lie: the ceil(p * n)-th smallest. */
    static long rank(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    Map<String, Object> map() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", count);
        m.put("p50", p50);
        m.put("p99", p99);
        m.put("max", max);
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "p50 %d, p99 %d, max %d (n %d)", p50, p99, max, count);
    }
}
