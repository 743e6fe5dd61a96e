package io.mp3cast.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A reader of Prometheus's text exposition format (0.0.4), whole: {@code # HELP} and {@code # TYPE}
 * lines, and samples {@code name{label="value",...} value [timestamp]} with escaped label values
 * ({@code \\}, {@code \"}, {@code \n}) and the values {@code NaN}, {@code +Inf}, {@code -Inf}. A line
 * it cannot read throws, naming the line. One parser for every metric a test checks.
 */
public final class PrometheusText {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;
    private final Map<String, String> types;
    private final Map<String, String> help;

    private PrometheusText(List<Sample> samples, Map<String, String> types, Map<String, String> help) {
        this.samples = samples;
        this.types = types;
        this.help = help;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    comment(line, types, help);
                } else {
                    samples.add(new LineReader(line).sample());
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return new PrometheusText(Collections.unmodifiableList(samples), types, help);
    }

    private static void comment(String line, Map<String, String> types, Map<String, String> help) {
        String[] parts = line.substring(1).strip().split("\\s+", 3);
        if (parts.length >= 3 && parts[0].equals("TYPE")) {
            String type = parts[2].strip();
            if (!List.of("counter", "gauge", "histogram", "summary", "untyped", "info", "stateset").contains(type)) {
                throw new IllegalArgumentException("unknown type '" + type + "'");
            }
            types.put(parts[1], type);
        } else if (parts.length >= 2 && parts[0].equals("HELP")) {
            help.put(parts[1], parts.length == 3 ? parts[2] : "");
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The {@code # TYPE} of a metric family (a counter {@code x_total}'s family is {@code x_total} or {@code x}). */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    public Optional<String> help(String family) {
        return Optional.ofNullable(help.get(family));
    }

    /** The samples named {@code name} whose labels include all of {@code labelPairs} (name, value, ...). */
    public List<Sample> find(String name, String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("labelPairs: name, value pairs, got " + labelPairs.length + " strings");
        }
        List<Sample> found = new ArrayList<>();
        outer:
        for (Sample s : samples) {
            if (!s.name.equals(name)) {
                continue;
            }
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels.get(labelPairs[i]))) {
                    continue outer;
                }
            }
            found.add(s);
        }
        return found;
    }

    /** The one sample named {@code name} with these labels; throws when there is none or several. */
    public double value(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " with " + List.of(labelPairs)
                    + (found.isEmpty() ? "; names present: " + names() : ": " + found));
        }
        return found.get(0).value;
    }

    /** The sum over the samples named {@code name} with these labels (0 when there are none). */
    public double sum(String name, String... labelPairs) {
        return find(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }

    /** Every sample name, sorted, once. */
    public List<String> names() {
        Map<String, Boolean> names = new TreeMap<>();
        samples.forEach(s -> names.put(s.name, true));
        return List.copyOf(names.keySet());
    }

    /** Reads one sample line from left to right. */
    private static final class LineReader {
        private final String line;
        private int pos;

        LineReader(String line) {
            this.line = line;
        }

        Sample sample() {
            String name = name();
            Map<String, String> labels = new LinkedHashMap<>();
            if (pos < line.length() && line.charAt(pos) == '{') {
                pos++;
                labels(labels);
            }
            String[] rest = line.substring(pos).strip().split("\\s+");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                throw new IllegalArgumentException("expected a value and an optional timestamp");
            }
            if (rest.length == 2) {
                Long.parseLong(rest[1]);
            }
            return new Sample(name, Collections.unmodifiableMap(labels), number(rest[0]));
        }

        private String name() {
            int start = pos;
            while (pos < line.length() && (Character.isLetterOrDigit(line.charAt(pos)) || line.charAt(pos) == '_'
                    || line.charAt(pos) == ':')) {
                pos++;
            }
            if (pos == start || Character.isDigit(line.charAt(start))) {
                throw new IllegalArgumentException("expected a metric or label name at " + start);
            }
            return line.substring(start, pos);
        }

        private void labels(Map<String, String> labels) {
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return;
                }
                String label = name();
                skipSpace();
                expect('=');
                skipSpace();
                expect('"');
                labels.put(label, quoted());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at " + pos);
                }
            }
        }

        private String quoted() {
            StringBuilder sb = new StringBuilder();
            while (pos < line.length()) {
                char c = line.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = line.charAt(pos++);
                    sb.append(e == 'n' ? '\n' : e);
                } else {
                    sb.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated label value");
        }

        private static double number(String s) {
            return switch (s) {
                case "NaN" -> Double.NaN;
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(s);
            };
        }

        private char peek() {
            if (pos >= line.length()) {
                throw new IllegalArgumentException("line ends inside the labels");
            }
            return line.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < line.length() && line.charAt(pos) == ' ') {
                pos++;
            }
        }
    }
}
