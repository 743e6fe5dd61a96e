package io.mp3cast.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The path of a request target, decoded and normalised once for every handler: percent-escapes
 * decoded (a bad one is refused), the absolute form ({@code http://host/path}) reduced to its path,
 * runs of {@code /} collapsed. Refused with {@link IllegalArgumentException} naming the problem, for
 * a 400: dot segments ({@code .} or {@code ..}, escaped or not), control characters, an escaped
 * {@code /} or {@code \}, and targets that are no path at all. So {@code /a/../b.mp3} never becomes
 * a mount, and no two spellings reach the same resource.
 */
public final class RequestPath {
    /** Longest path accepted; Netty's line limit (4 KiB) bounds the whole request line anyway. */
    static final int MAX_LENGTH = 2048;

    private RequestPath() {}

    /** The normalised path of {@code uri}, or an exception saying why it is refused. */
    public static String of(String uri) {
        String target = uri;
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("path: not an absolute path: '" + shown(target) + "'");
        }
        int end = firstOf(target, '?', '#');
        String raw = target.substring(0, end);
        String lower = raw.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c")) {
            throw new IllegalArgumentException("path: escaped '/' or '\\' not allowed: '" + shown(raw) + "'");
        }
        String decoded;
        try {
            decoded = QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("path: bad percent-escape in '" + shown(raw) + "'");
        }
        return normalise(decoded);
    }

    private static String normalise(String decoded) {
        if (decoded.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("path: longer than " + MAX_LENGTH + " characters");
        }
        StringBuilder out = new StringBuilder(decoded.length());
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path: dot segments not allowed: '" + shown(decoded) + "'");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\\') {
                    throw new IllegalArgumentException("path: control character or '\\' not allowed: '"
                            + shown(decoded) + "'");
                }
            }
            out.append('/').append(segment);
        }
        if (out.length() == 0 || decoded.endsWith("/")) {
            out.append('/');
        }
        return out.toString();
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? (j < 0 ? s.length() : j) : (j < 0 ? i : Math.min(i, j));
    }

    /** Shown in a message: at most 100 characters, control characters as '?'. */
    static String shown(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
