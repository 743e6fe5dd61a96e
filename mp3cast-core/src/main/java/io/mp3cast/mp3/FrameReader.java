package io.mp3cast.mp3;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Reads whole MP3 frames from an InputStream, one at a time.
 *
 * <p>A pull-style front of {@link FrameSplitter}, with the same synchronisation rules and counters:
 * garbage, tags and a truncated last frame are skipped and counted, never thrown. Each read takes
 * what the stream has ready (up to 8 KiB), so a live socket is not waited on for a full buffer.
 * Not thread-safe.
 */
public final class FrameReader implements Closeable {
    private static final int READ_BYTES = 8192;

    private final InputStream in;
    private final FrameSplitter splitter = new FrameSplitter();
    private final byte[] chunk = new byte[READ_BYTES];
    private final ArrayDeque<Mp3Frame> ready = new ArrayDeque<>();
    private final FrameSink collect = copyingInto(ready, splitter);
    private boolean ended;

    public FrameReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** The next frame, or null at the end of the stream. */
    public Mp3Frame next() throws IOException {
        while (ready.isEmpty() && !ended) {
            int n = in.read(chunk);
            if (n < 0) {
                splitter.end(collect);
                ended = true;
            } else {
                splitter.feed(chunk, 0, n, collect);
            }
        }
        return ready.poll();
    }

    /** Frames returned or ready to return. */
    public long frames() {
        return splitter.frames();
    }

    /** See {@link FrameSplitter#skippedBytes()}. */
    public long skippedBytes() {
        return splitter.skippedBytes();
    }

    /** See {@link FrameSplitter#id3Bytes()}. */
    public long id3Bytes() {
        return splitter.id3Bytes();
    }

    /** See {@link FrameSplitter#truncatedBytes()}. */
    public long truncatedBytes() {
        return splitter.truncatedBytes();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * All frames of a complete MP3 file or stream, strictly: ID3 tags are skipped, but any other
     * byte that is not part of a frame is an error.
     *
     * @throws Mp3FormatException naming how many bytes were garbage or cut short
     */
    public static List<Mp3Frame> readAll(byte[] mp3) throws Mp3FormatException {
        List<Mp3Frame> frames = new ArrayList<>();
        FrameSplitter splitter = new FrameSplitter();
        FrameSink sink = copyingInto(frames, splitter);
        splitter.feed(mp3, 0, mp3.length, sink);
        splitter.end(sink);
        requireOnlyFrames(splitter);
        return frames;
    }

    /** A sink that copies each frame out of the splitter's transient bytes. */
    private static FrameSink copyingInto(Collection<Mp3Frame> frames, FrameSplitter splitter) {
        return (data, off, len) ->
                frames.add(new Mp3Frame(splitter.currentHeader(), Arrays.copyOfRange(data, off, off + len)));
    }

    private static void requireOnlyFrames(FrameSplitter s) throws Mp3FormatException {
        if (s.skippedBytes() > 0 || s.truncatedBytes() > 0) {
            throw new Mp3FormatException("frames: got " + s.skippedBytes() + " bytes skipped as garbage and "
                    + s.truncatedBytes() + " bytes of a truncated last frame after " + s.frames()
                    + " frames, expected whole frames and ID3 tags only");
        }
    }
}
