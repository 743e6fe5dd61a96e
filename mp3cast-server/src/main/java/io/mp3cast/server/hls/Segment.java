package io.mp3cast.server.hls;

import java.nio.charset.StandardCharsets;

/**
 * One HLS segment of packed audio (RFC 8216 3.4): an ID3v2.4 tag whose {@code PRIV} frame
 * {@code com.apple.streaming.transportStreamTimestamp} holds the 90 kHz timestamp of the first
 * sample, then whole MP3 frames of one format.
 *
 * <pre>
 * "ID3" 04 00 00 size(4, 7 bits each) = 63
 *   "PRIV" size(4, 7 bits each) = 53  flags 00 00
 *     "com.apple.streaming.transportStreamTimestamp" 00   (45 bytes: owner)
 *     timestamp (8 bytes, big-endian, 33 bits used)
 * </pre>
 *
 * @param sequence      the media sequence number ({@code EXT-X-MEDIA-SEQUENCE} counts these)
 * @param discontinuity whether the format (sample rate or channels) differs from the segment before
 * @param startTicks    audio before this segment, in {@link Timeline} ticks
 * @param durationTicks this segment's audio, in {@link Timeline} ticks
 * @param programDateMillis wall-clock time of the first sample ({@code EXT-X-PROGRAM-DATE-TIME})
 * @param bytes         the tag and the frames; never modified
 */
record Segment(long sequence, boolean discontinuity, long startTicks, long durationTicks, long programDateMillis,
               byte[] bytes) {
    static final String OWNER = "com.apple.streaming.transportStreamTimestamp";
    private static final int PRIV_BYTES = OWNER.length() + 1 + 8;
    static final int TAG_BYTES = 10 + 10 + PRIV_BYTES;

    /** A segment's (or a part's) bytes: its tag for {@code startTicks}, then {@code frames[offset, offset + length)}. */
    static byte[] pack(long startTicks, byte[] frames, int offset, int length) {
        byte[] out = new byte[TAG_BYTES + length];
        int p = header(out, 0, "ID3", TAG_BYTES - 10);
        p = header(out, p, "PRIV", PRIV_BYTES);
        byte[] owner = OWNER.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(owner, 0, out, p, owner.length);
        p += owner.length + 1;
        long pts = Timeline.pts90k(startTicks);
        for (int i = 7; i >= 0; i--) {
            out[p + i] = (byte) pts;
            pts >>>= 8;
        }
        System.arraycopy(frames, offset, out, TAG_BYTES, length);
        return out;
    }

    /** A tag header ("ID3", version 4.0, no flags) or a frame header (id, no flags): 10 bytes each. */
    private static int header(byte[] out, int p, String id, int size) {
        byte[] name = id.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(name, 0, out, p, name.length);
        int q = p + name.length;
        if (name.length == 3) {
            out[q++] = 4;  // major version; revision 0 and flags 0 follow
            q += 2;
        }
        for (int shift = 21; shift >= 0; shift -= 7) {
            out[q++] = (byte) ((size >>> shift) & 0x7F);  // "syncsafe": 7 bits per byte
        }
        return name.length == 3 ? q : q + 2;  // a frame header ends with two flag bytes
    }
}
