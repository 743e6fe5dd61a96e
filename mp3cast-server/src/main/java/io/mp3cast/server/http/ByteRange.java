package io.mp3cast.server.http;

import java.util.Locale;
import java.util.Optional;

/**
 * A parsed {@code Range: bytes=start-end} header ({@code end} -1 when open). Only the first range
 * counts; suffix ranges ({@code -500}) and anything malformed are ignored (empty), as RFC 9110
 * allows: the client then gets the whole stream with {@code 200}. Never throws.
 */
record ByteRange(long start, long end) {
    /** Bounded ranges up to this size get exactly those bytes of a mount's burst; larger ones get the stream. */
    static final long SMALL_BYTES = 64 * 1024;

    static Optional<ByteRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return Optional.empty();
        }
        String first = h.substring(6);
        int comma = first.indexOf(',');
        first = (comma < 0 ? first : first.substring(0, comma)).trim();
        int dash = first.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        long start = digits(first.substring(0, dash).trim());
        String endText = first.substring(dash + 1).trim();
        long end = endText.isEmpty() ? -1 : digits(endText);
        if (start < 0 || (!endText.isEmpty() && (end < 0 || end < start))) {
            return Optional.empty();
        }
        return Optional.of(new ByteRange(start, end));
    }

    /** A non-negative decimal number, or -1 when the text is not one (or does not fit a long). */
    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    boolean isSmall() {
        return end >= 0 && end - start + 1 <= SMALL_BYTES;
    }

    long length() {
        return end - start + 1;
    }
}
