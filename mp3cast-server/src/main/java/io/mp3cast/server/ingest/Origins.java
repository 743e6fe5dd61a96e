package io.mp3cast.server.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a push may come from the web page that sent it. Browsers put an {@code Origin} header
 * on every cross-site {@code POST} and every WebSocket, and a page may send both to
 * {@code http://127.0.0.1:8000} without asking the user; so a push with an {@code Origin} is
 * refused unless that origin is listed ({@code --allowed-origins}). Producers that are not
 * browsers send no {@code Origin}. Origins compare as scheme, host and port, case-insensitively,
 * with the scheme's default port implied.
 */
public final class Origins {
    public static final String ANY = "*";

    private Origins() {}

    /** Empty when a push carrying {@code origin} (null: none) may go on; else why not, for a 403. */
    static Optional<String> check(List<String> allowed, String origin) {
        if (origin == null || allowed.contains(ANY)) {
            return Optional.empty();
        }
        String given;
        try {
            given = normalise(origin);
        } catch (IllegalArgumentException e) {
            given = origin.trim();
        }
        for (String a : allowed) {
            if (normalise(a).equals(given)) {
                return Optional.empty();
            }
        }
        return Optional.of("origin not allowed to push: '" + shown(origin) + "' (a web page may push only from an"
                + " origin listed in --allowed-origins)");
    }

    /** {@code scheme://host[:port]} in lower case without the scheme's default port; {@code *} as it is. */
    public static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.equals(ANY)) {
            return o;
        }
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        int sep = o.indexOf("://");
        if (sep <= 0 || o.length() == sep + 3 || o.indexOf('/', sep + 3) >= 0) {
            throw new IllegalArgumentException("origin not supported: '" + origin + "' (scheme://host[:port], or *)");
        }
        String scheme = o.substring(0, sep);
        if (scheme.equals("http") && o.endsWith(":80")) {
            return o.substring(0, o.length() - 3);
        }
        if (scheme.equals("https") && o.endsWith(":443")) {
            return o.substring(0, o.length() - 4);
        }
        return o;
    }

    private static String shown(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
