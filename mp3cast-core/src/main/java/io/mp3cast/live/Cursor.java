package io.mp3cast.live;

import io.mp3cast.mp3.FrameSink;
import java.util.Objects;

/**
 * One reader's position in a {@link LiveStream}: the sequence number of the next frame it reads.
 *
 * <p>For pull-style readers (a servlet thread, a test). A reader that falls more than the
 * stream's retention behind has lost frames: {@link #read} then reports it instead of
 * skipping silently, and the owner decides (drop the listener, or {@link #skipToLive()}).
 *
 * <p>Threading: one thread at a time per cursor; many cursors may read one stream concurrently.
 */
public final class Cursor {
    /** {@link #read} result when the frames at the cursor are no longer kept. */
    public static final int FELL_BEHIND = -2;
    /** {@link #read} result when the stream has ended and everything was read. */
    public static final int END = -1;

    private final LiveStream stream;
    private long position;

    Cursor(LiveStream stream, long position) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.position = position;
    }

    public LiveStream stream() {
        return stream;
    }

    /** Sequence number of the next frame this cursor reads. */
    public long position() {
        return position;
    }

    /** Audio between the cursor and the stream's head, in microseconds (0 once fallen behind). */
    public long lagMicros() {
        return position < stream.oldest() ? 0 : stream.microsBehind(position);
    }

    /** Moves to the newest frame, as a listener that lost frames and rejoins. */
    public void skipToLive() {
        position = stream.head();
    }

    /**
     * Hands up to {@code maxFrames} frames to {@code sink} and advances past them.
     *
     * @return frames read (0 when none is there yet), {@link #END} or {@link #FELL_BEHIND}
     */
    public int read(FrameSink sink, int maxFrames) {
        long head = stream.head();
        if (position < stream.oldest()) {
            return FELL_BEHIND;
        }
        if (position >= head) {
            return stream.isEnded() && position >= stream.head() ? END : 0;
        }
        long to = Math.min(head, position + maxFrames);
        try {
            stream.read(position, to, sink);
        } catch (IllegalArgumentException e) {
            return FELL_BEHIND;  // overtaken by the publisher between the check and the copy
        }
        int n = (int) (to - position);
        position = to;
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame at the cursor or the end of the stream.
     *
     * @return whether something is there to read (frames or the end)
     */
    public boolean await(long timeoutMillis) throws InterruptedException {
        return stream.awaitBeyond(position, timeoutMillis) > position || stream.isEnded();
    }
}
