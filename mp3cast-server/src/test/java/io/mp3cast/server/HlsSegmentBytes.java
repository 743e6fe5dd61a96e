package io.mp3cast.server;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One packed-audio segment taken apart as a player does: the ID3v2 tag in front with its
 * {@code com.apple.streaming.transportStreamTimestamp} PRIV frame, then MP3 frames back to back to
 * the end. Anything else (no tag, no timestamp, no frame sync after the tag, a partial frame, two
 * formats) is an {@link IllegalArgumentException} saying what.
 *
 * @param pts90k       the timestamp: 90 kHz, 33 bits
 * @param tagBytes     the ID3 tag's length: the first frame starts there
 * @param frames       MP3 frames in the segment
 * @param samples      samples per channel they decode to
 * @param sampleRateHz their sample rate (one for all)
 * @param channels     their channel count (one for all)
 * @param audio        the frames without the tag
 */
public record HlsSegmentBytes(long pts90k, int tagBytes, int frames, long samples, int sampleRateHz, int channels, byte[] audio) {
    static final String OWNER = "com.apple.streaming.transportStreamTimestamp";

    public static HlsSegmentBytes parse(byte[] b) throws Mp3FormatException {
        if (b.length < 10 || b[0] != 'I' || b[1] != 'D' || b[2] != '3') {
            throw new IllegalArgumentException("segment does not start with an ID3 tag");
        }
        int tagBytes = 10 + syncsafe(b, 6);
        long pts = -1;
        for (int p = 10; p + 10 <= tagBytes; ) {
            String id = new String(b, p, 4, StandardCharsets.ISO_8859_1);
            int size = b[3] == 4 ? syncsafe(b, p + 4) : ((b[p + 4] & 0xFF) << 24) | ((b[p + 5] & 0xFF) << 16)
                    | ((b[p + 6] & 0xFF) << 8) | (b[p + 7] & 0xFF);
            if (id.equals("PRIV")) {
                int owner = p + 10;
                int nul = owner;
                while (b[nul] != 0) {
                    nul++;
                }
                if (new String(b, owner, nul - owner, StandardCharsets.ISO_8859_1).equals(OWNER) && size == nul - owner + 9) {
                    pts = 0;
                    for (int i = 0; i < 8; i++) {
                        pts = (pts << 8) | (b[nul + 1 + i] & 0xFF);
                    }
                }
            }
            p += 10 + size;
        }
        if (pts < 0 || pts >= 1L << 33) {
            throw new IllegalArgumentException("no " + OWNER + " PRIV frame with a 33-bit timestamp: " + pts);
        }
        if (!FrameHeader.isSync(b, tagBytes)) {
            throw new IllegalArgumentException("no frame sync right after the " + tagBytes + "-byte tag");
        }
        return frames(b, tagBytes, pts);
    }

    private static HlsSegmentBytes frames(byte[] b, int tagBytes, long pts) throws Mp3FormatException {
        int n = 0;
        long samples = 0;
        int rate = 0;
        int channels = 0;
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (int p = tagBytes; p < b.length; ) {
            FrameHeader h = FrameHeader.parse(b, p);
            if (p + h.frameLengthBytes() > b.length) {
                throw new IllegalArgumentException("partial frame at the end: " + (b.length - p) + " of "
                        + h.frameLengthBytes() + " bytes");
            }
            if (n > 0 && (h.sampleRateHz() != rate || h.channelMode().channels() != channels)) {
                throw new IllegalArgumentException("two formats in one segment: " + rate + " Hz x" + channels + " then "
                        + h.sampleRateHz() + " Hz x" + h.channelMode().channels());
            }
            rate = h.sampleRateHz();
            channels = h.channelMode().channels();
            audio.write(b, p, h.frameLengthBytes());
            samples += h.samplesPerFrame();
            n++;
            p += h.frameLengthBytes();
        }
        return new HlsSegmentBytes(pts, tagBytes, n, samples, rate, channels, audio.toByteArray());
    }

    /** The segment's audio in 90 kHz ticks. */
    public double duration90k() {
        return samples * 90_000.0 / sampleRateHz;
    }

    /** One frame's audio in 90 kHz ticks. */
    public double frame90k() {
        return samples * 90_000.0 / sampleRateHz / frames;
    }

    private static int syncsafe(byte[] b, int p) {
        return ((b[p] & 0x7F) << 21) | ((b[p + 1] & 0x7F) << 14) | ((b[p + 2] & 0x7F) << 7) | (b[p + 3] & 0x7F);
    }
}
