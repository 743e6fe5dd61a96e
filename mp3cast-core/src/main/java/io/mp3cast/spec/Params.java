package io.mp3cast.spec;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Named string values (a query string, a {@code key=val,...} mount spec) read with typed getters
 * that name the bad value in their {@link IllegalArgumentException}, and that remember which keys
 * were read so unknown ones can be rejected.
 */
public final class Params {
    private final Map<String, String> values;
    private final Set<String> read = new LinkedHashSet<>();

    public Params(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** Parses {@code k=v,k=v}; an empty string gives no values. */
    public static Params parseCommaList(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!spec.isBlank()) {
            for (String part : spec.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("not key=value: '" + part + "' in '" + spec + "'");
                }
                m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return new Params(m);
    }

    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    public String string(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback, int min, int max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        int n = wholeNumber(key, v);
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " out of range (" + min + "-" + max + ")");
        }
        return n;
    }

    /**
     * {@code value} as an int, or an {@link IllegalArgumentException} naming {@code name} and the
     * value: the one parser of whole numbers from outside (queries, specs, config files, headers).
     */
    public static int wholeNumber(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a whole number: '" + value + "'", e);
        }
    }

    public double decimal(String key, double fallback, double min, double max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(key + ": " + v + " out of range (" + min + "-" + max + ")");
        }
        return d;
    }

    public boolean bool(String key, boolean fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + ": not true or false: '" + v + "'");
        };
    }

    /** Throws naming the first key nobody read. */
    public void rejectUnread(String context) {
        for (String k : values.keySet()) {
            if (!read.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' for " + context + " (known: "
                        + String.join(", ", read) + ")");
            }
        }
    }
}
