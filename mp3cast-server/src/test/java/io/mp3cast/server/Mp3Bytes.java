package io.mp3cast.server;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import java.util.List;

/** Walks MP3 bytes frame by frame: counts frames and checks that chunks hold whole frames. */
public final class Mp3Bytes {
    private Mp3Bytes() {}

    /** Frames in {@code mp3}, which must be whole frames back to back. */
    public static int frames(byte[] mp3) throws Mp3FormatException {
        int n = 0;
        int at = 0;
        while (at < mp3.length) {
            at += FrameHeader.parse(mp3, at).frameLengthBytes();
            n++;
        }
        if (at != mp3.length) {
            throw new AssertionError("last frame cut: ends at " + at + ", body has " + mp3.length);
        }
        return n;
    }

    /** Throws unless every chunk of the body starts on a frame boundary and holds whole frames. */
    public static void assertChunksHoldWholeFrames(byte[] body, List<Integer> chunkSizes) throws Mp3FormatException {
        int at = 0;
        for (int size : chunkSizes) {
            int end = at + size;
            while (at < end) {
                at += FrameHeader.parse(body, at).frameLengthBytes();
            }
            if (at != end) {
                throw new AssertionError("a chunk ends inside a frame at byte " + end);
            }
        }
    }

    public static boolean endsWith(byte[] whole, byte[] suffix) {
        if (suffix.length > whole.length) {
            return false;
        }
        int off = whole.length - suffix.length;
        for (int i = 0; i < suffix.length; i++) {
            if (whole[off + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
