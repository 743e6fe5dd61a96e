package io.mp3cast.server.live;

import java.nio.charset.StandardCharsets;

/**
 * Titles as ICY metadata carries them: {@code StreamTitle='...';} in at most 255 blocks of 16
 * bytes. A title is text from outside (an admin call, a source's client), so it must not be able
 * to end its field early and add others ({@code ';StreamUrl='http://evil.example/';}): in the
 * metadata block every {@code '} becomes {@code ’} (U+2019, which reads the same) and every
 * {@code ;} becomes {@code ,}, so neither a player that reads up to {@code ';} nor one that splits
 * at {@code ;} sees a second field. Control characters (a NUL ends the block for some players)
 * become spaces. Titles are limited to {@link #MAX_CODE_POINTS} characters, refused beyond that
 * (a 400 for an admin call), so a block never needs cutting; if one did, it is cut at a character
 * boundary, never inside a UTF-8 sequence, and keeps its closing {@code ';}.
 */
public final class IcyTitle {
    /** The longest title accepted, in Unicode characters: 1000 x 4 UTF-8 bytes fits one metadata block. */
    public static final int MAX_CODE_POINTS = 1000;
    /** The length byte counts 16-byte blocks: at most 255 of them. */
    static final int MAX_METADATA_BYTES = 255 * 16;
    private static final String PREFIX = "StreamTitle='";
    private static final String SUFFIX = "';";

    private IcyTitle() {}

    /** The title to keep: control characters as spaces; refused when longer than {@link #MAX_CODE_POINTS}. */
    public static String checked(String title) {
        int n = title.codePointCount(0, title.length());
        if (n > MAX_CODE_POINTS) {
            throw new IllegalArgumentException("title: too long: " + n + " characters (at most " + MAX_CODE_POINTS + ")");
        }
        return title.replaceAll("\\p{Cntrl}", " ");
    }

    /** Cuts {@code text} to at most {@code max} characters without splitting a surrogate pair. */
    public static String cut(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max));
    }

    /**
     * The title as it goes into a metadata block: no {@code '} or {@code ;}, no control characters,
     * and a lone surrogate (a Java string may hold one; UTF-8 cannot) as U+FFFD.
     */
    static String icySafe(String title) {
        StringBuilder b = new StringBuilder(title.length());
        for (int i = 0; i < title.length(); ) {
            int cp = title.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\'') {
                b.append('\u2019');
            } else if (cp == ';') {
                b.append(',');
            } else if (cp < 0x20 || cp == 0x7f) {
                b.append(' ');
            } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                b.append('\uFFFD');
            } else {
                b.appendCodePoint(cp);
            }
        }
        return b.toString();
    }

    /** {@code StreamTitle='...';} in UTF-8, at most {@code maxBytes}, cut at a character boundary if it must be. */
    static byte[] field(String title, int maxBytes) {
        String safe = icySafe(title);
        byte[] whole = (PREFIX + safe + SUFFIX).getBytes(StandardCharsets.UTF_8);
        if (whole.length <= maxBytes) {
            return whole;
        }
        int room = maxBytes - PREFIX.length() - SUFFIX.length();
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < safe.length(); ) {
            int cp = safe.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > room) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return (PREFIX + kept + SUFFIX).getBytes(StandardCharsets.UTF_8);
    }
}
