package io.mp3cast.mp3;

/**
 * ID3 tag framing, as far as a frame splitter needs it: where a tag starts and how long it is.
 *
 * <pre>
 * ID3v2 header (10 bytes): 'I' 'D' '3'  major  revision  flags  size(4 bytes, 7 bits each)
 *   major is 2, 3 or 4; size counts the bytes after the header; flag 0x10 (v2.4) adds a 10-byte footer.
 * ID3v1 tag (128 bytes):   'T' 'A' 'G'  title, artist, album, year, comment, genre
 * </pre>
 */
final class Id3 {
    static final int V2_HEADER_BYTES = 10;
    static final int V2_FOOTER_BYTES = 10;
    static final int V1_TAG_BYTES = 128;
    /** Bytes needed to recognise either tag's start. */
    static final int MAGIC_BYTES = 3;

    private static final int FOOTER_FLAG = 0x10;

    private Id3() {}

    /** Whether the three bytes at {@code p} read "ID3" or "TAG". */
    static boolean startsTag(byte[] a, int p) {
        return startsWith(a, p, 'I', 'D', '3') || startsWith(a, p, 'T', 'A', 'G');
    }

    /** Whether the three bytes at {@code p} read "TAG". */
    static boolean isV1Tag(byte[] a, int p) {
        return startsWith(a, p, 'T', 'A', 'G');
    }

    /** Whether the ten bytes at {@code p} are an ID3v2 header; the field checks keep text that merely says "ID3" out. */
    static boolean isV2Header(byte[] a, int p) {
        int major = a[p + 3] & 0xFF;
        return startsWith(a, p, 'I', 'D', '3') && major >= 2 && major <= 4 && (a[p + 4] & 0xFF) != 0xFF
                && ((a[p + 6] | a[p + 7] | a[p + 8] | a[p + 9]) & 0x80) == 0;
    }

    /** The whole tag's length, header and footer included, for a header {@link #isV2Header} accepted. */
    static int v2TagBytes(byte[] a, int p) {
        int size = (a[p + 6] << 21) | (a[p + 7] << 14) | (a[p + 8] << 7) | a[p + 9];
        boolean footer = (a[p + 3] & 0xFF) == 4 && (a[p + 5] & FOOTER_FLAG) != 0;
        return V2_HEADER_BYTES + size + (footer ? V2_FOOTER_BYTES : 0);
    }

    private static boolean startsWith(byte[] a, int p, char c0, char c1, char c2) {
        return a[p] == c0 && a[p + 1] == c1 && a[p + 2] == c2;
    }
}
