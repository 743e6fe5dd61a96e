package io.mp3cast.mp3;

import java.util.Objects;
import java.util.Optional;

/**
 * Cuts an MP3 byte stream that arrives in chunks of any size into whole Layer III frames.
 *
 * <p>Bad data never throws: bytes that are not frames are skipped and counted. After {@link #end},
 * every byte fed is counted exactly once, in {@link #frameBytes}, {@link #skippedBytes},
 * {@link #id3Bytes} or {@link #truncatedBytes}.
 *
 * <h2>Synchronisation</h2>
 * The splitter is either <em>locked</em> onto a stream or <em>searching</em> for one.
 * <ul>
 *   <li>Locked (after a frame): where the next frame should start, a valid header with the same
 *       MPEG version and sample rate is taken as a frame, emitted as soon as its last byte arrives.
 *       A live stream gets no added latency.</li>
 *   <li>Searching (at the start, and from the first byte where a locked stream's next frame is not):
 *       a valid header is taken only once the bytes right after its frame confirm it: they are
 *       a valid header with the same version and sample rate, or the start of an ID3 tag
 *       ("ID3" or "TAG"), or the end of the stream. Otherwise its first byte is skipped and the
 *       search goes on. This keeps a random {@code 0xFFE} inside garbage from becoming a frame.</li>
 * </ul>
 * A locked stream that is cut short and continues with a new frame cannot be noticed before the
 * cut frame's length is complete: that frame is emitted with the wrong tail, and the search starts
 * again where its successor should have been. Only a check of the audio data could tell.
 *
 * <h2>Tags</h2>
 * An ID3v2 tag (10-byte header, syncsafe size, optional v2.4 footer) is skipped wherever it starts,
 * by counting: its bytes are never buffered. An ID3v1 tag ("TAG", 128 bytes) is skipped where a
 * locked stream's next frame should start. Tags do not break the lock.
 *
 * <h2>Memory and allocation</h2>
 * The splitter buffers at most one frame plus the next header (1445 bytes), and
 * only bytes that straddle two {@link #feed} calls: a frame whole inside the caller's array is
 * passed to the sink straight from that array. Steady state allocates nothing.
 *
 * <h2>Threading</h2>
 * Not thread-safe: one thread feeds at a time. Sinks must not feed the same splitter. If a sink
 * throws, the exception propagates and the splitter's state is undefined: discard it.
 */
public final class FrameSplitter {
    /** The most a single decision looks at: a whole frame, then the next frame's header. */
    static final int WINDOW_BYTES = FrameHeader.MAX_FRAME_BYTES + FrameHeader.SIZE;
    /** Header bits that neighbouring frames must share: sync, version, layer, sample rate. */
    private static final int SAME_STREAM_MASK = 0xFFFE0C00;

    /**
     * Bytes carried over between feeds live in {@code [head, tail)}. Twice the window so that
     * compacting (moving at most one window) happens at most once per window of bytes consumed,
     * even when garbage makes every byte a rejected candidate.
     */
    private final byte[] pending = new byte[2 * WINDOW_BYTES];
    private int head;
    private int tail;

    private boolean locked;
    private boolean ending;
    /** Header word of the last frame emitted; 0 is never a valid header. */
    private int lastWord;
    private FrameHeader lastHeader;
    private long tagBytesLeft;

    private long frames;
    private long frameBytes;
    private long skippedBytes;
    private long id3Bytes;
    private long truncatedBytes;

    /** Splits {@code buf[off, off + len)}, calling {@code sink} once per whole frame completed by these bytes. */
    public void feed(byte[] buf, int off, int len, FrameSink sink) {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.requireNonNull(sink, "sink");
        int end = off + len;
        int p = drainPending(buf, off, end, sink);
        while (p < end) {
            int r = step(buf, p, end, sink);
            if (r < 0) {
                append(buf, p, end - p);
                return;
            }
            p += r;
        }
    }

    /**
     * Ends the stream: emits a frame still waiting for confirmation, counts what cannot be a frame,
     * and starts afresh, so the next {@link #feed} begins a new stream. Counters keep running.
     */
    public void end(FrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        ending = true;
        while (head < tail) {
            int r = step(pending, head, tail, sink);
            head += r > 0 ? r : dropAtEnd();
        }
        head = tail = 0;
        locked = ending = false;
        tagBytesLeft = 0;
    }

    /** Frames emitted so far. */
    public long frames() {
        return frames;
    }

    /** Bytes in frames emitted so far. */
    public long frameBytes() {
        return frameBytes;
    }

    /** Bytes skipped because they were no frame (garbage, or a frame that failed to synchronise). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Bytes of ID3v2 and ID3v1 tags skipped. */
    public long id3Bytes() {
        return id3Bytes;
    }

    /** Bytes of a last frame that the end of the stream cut short. */
    public long truncatedBytes() {
        return truncatedBytes;
    }

    /** The header of the last frame emitted, if any. */
    public Optional<FrameHeader> lastHeader() {
        return frames == 0 ? Optional.empty() : Optional.of(currentHeader());
    }

    /** The last frame's header, decoded once per distinct header word. Only after a frame. */
    FrameHeader currentHeader() {
        if (lastHeader == null) {
            lastHeader = FrameHeader.decode(lastWord);
        }
        return lastHeader;
    }

    /** Bytes carried over to the next feed. */
    int bufferedBytes() {
        return tail - head;
    }

    /**
     * Works through the carried-over bytes, topping them up from the input as far as each decision
     * needs, and returns where in the input to continue; the input's end if it all went to pending.
     */
    private int drainPending(byte[] in, int p, int end, FrameSink sink) {
        while (head < tail) {
            int r = step(pending, head, tail, sink);
            if (r > 0) {
                head += r;
                continue;
            }
            int take = Math.min(-r - (tail - head), end - p);
            append(in, p, take);
            p += take;
            if (tail - head < -r) {
                return end;
            }
        }
        head = tail = 0;
        return p;
    }

    private void append(byte[] in, int p, int n) {
        if (tail + n > pending.length) {
            System.arraycopy(pending, head, pending, 0, tail - head);
            tail -= head;
            head = 0;
        }
        System.arraycopy(in, p, pending, tail, n);
        tail += n;
    }

    /**
     * Makes one decision about the bytes at {@code a[p]}: returns how many it consumed (emitted,
     * skipped or counted as tag), or minus how many bytes from {@code p} it needs to decide.
     */
    private int step(byte[] a, int p, int end, FrameSink sink) {
        int avail = end - p;
        if (tagBytesLeft > 0) {
            return skipTag(avail);
        }
        int b = a[p] & 0xFF;
        if (b == 0xFF) {
            return atSync(a, p, avail, sink);
        }
        if (b == 'I') {
            return atId3v2(a, p, avail);
        }
        if (b == 'T' && locked) {
            return atId3v1(a, p, avail);
        }
        return skipGarbage(a, p, end);
    }

    private int atSync(byte[] a, int p, int avail, FrameSink sink) {
        if (avail < FrameHeader.SIZE) {
            return -FrameHeader.SIZE;
        }
        int h = FrameHeader.word(a, p);
        if (!FrameHeader.isValid(h)) {
            return skipOne();
        }
        int len = FrameHeader.frameLengthBytes(h);
        if (locked && sameStream(h, lastWord)) {
            return avail < len ? -len : emit(a, p, len, h, sink);
        }
        locked = false;
        if (avail < len + FrameHeader.SIZE) {
            return ending && avail >= len ? emit(a, p, len, h, sink) : -(len + FrameHeader.SIZE);
        }
        return confirms(h, a, p + len) ? emit(a, p, len, h, sink) : skipOne();
    }

    /** Whether the four bytes at {@code q}, right after a candidate frame, vouch for it. */
    private static boolean confirms(int h, byte[] a, int q) {
        int next = FrameHeader.word(a, q);
        return FrameHeader.isValid(next) && sameStream(h, next) || Id3.startsTag(a, q);
    }

    private static boolean sameStream(int h1, int h2) {
        return (h1 & SAME_STREAM_MASK) == (h2 & SAME_STREAM_MASK);
    }

    private int emit(byte[] a, int p, int len, int h, FrameSink sink) {
        locked = true;
        if (h != lastWord) {
            lastWord = h;
            lastHeader = null;
        }
        frames++;
        frameBytes += len;
        sink.onFrame(a, p, len);
        return len;
    }

    private int atId3v2(byte[] a, int p, int avail) {
        if (avail < Id3.V2_HEADER_BYTES) {
            return -Id3.V2_HEADER_BYTES;
        }
        if (!Id3.isV2Header(a, p)) {
            return skipOne();
        }
        tagBytesLeft = Id3.v2TagBytes(a, p);
        return skipTag(avail);
    }

    private int atId3v1(byte[] a, int p, int avail) {
        if (avail < Id3.MAGIC_BYTES) {
            return -Id3.MAGIC_BYTES;
        }
        if (!Id3.isV1Tag(a, p)) {
            return skipOne();
        }
        tagBytesLeft = Id3.V1_TAG_BYTES;
        return skipTag(avail);
    }

    private int skipTag(int avail) {
        int n = (int) Math.min(tagBytesLeft, avail);
        tagBytesLeft -= n;
        id3Bytes += n;
        return n;
    }

    /** Skips up to the next byte that could start a frame or an ID3v2 tag. */
    private int skipGarbage(byte[] a, int p, int end) {
        int q = p + 1;
        while (q < end && a[q] != (byte) 0xFF && a[q] != 'I') {
            q++;
        }
        locked = false;
        skippedBytes += q - p;
        return q - p;
    }

    private int skipOne() {
        locked = false;
        skippedBytes++;
        return 1;
    }

    /**
     * At the end of the stream a decision still wants more bytes. Where a locked stream's next
     * frame begins, the rest is that frame cut short; anywhere else the first byte is garbage and
     * the search goes on through the rest.
     */
    private int dropAtEnd() {
        if (locked && (pending[head] & 0xFF) == 0xFF) {
            int n = tail - head;
            truncatedBytes += n;
            return n;
        }
        return skipOne();
    }
}
