package io.mp3cast.live;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3FormatException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One live stream: whole MP3 frames in, kept in a ring of recent frames numbered by absolute
 * sequence numbers, read by any number of listener cursors.
 *
 * <p>Where frames come from is not this class's business: a {@link FrameFeed} (a paced
 * generator, pushed PCM, pass-through MP3) calls {@link #publish}. How frames reach listeners is
 * not either: readers keep their own position (a {@link Cursor}, or a plain sequence number) and
 * copy frames out with {@link #read}. Frame {@code n} is the {@code n}-th frame ever published;
 * the ring keeps the newest {@link LiveStreamSettings#retainMillis()} of them, so memory is
 * bounded whatever the readers do, and a reader that falls further behind has lost frames
 * ({@link #oldest()} has passed it) and must be told so by its owner.
 *
 * <p>Threading: one publisher at a time; any number of reader threads. All state is guarded by
 * one lock held only to copy bytes. Observers run on the publisher's thread outside the lock.
 */
public final class LiveStream {
    /** The shortest MP3 frame: 576 samples at 24 kHz or 1152 at 48 kHz. Sizes the ring. */
    private static final long MIN_FRAME_MICROS = 24_000;

    private final String name;
    private final LiveStreamSettings settings;
    private final List<StreamObserver> observers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final byte[][] slots;
    private final int[] lengths;
    private final long[] startMicros;
    private long head;
    private long publishedBytes;
    private long publishedMicros;
    private FrameHeader lastHeader;
    private boolean ended;

    public LiveStream(String name, LiveStreamSettings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        int capacity = (int) (settings.retainMillis() * 1000L / MIN_FRAME_MICROS) + 2;
        this.slots = new byte[capacity][];
        this.lengths = new int[capacity];
        this.startMicros = new long[capacity];
    }

    public LiveStream(String name) {
        this(name, LiveStreamSettings.DEFAULT);
    }

    /** The stream's name (a server uses the mount path); log lines start with it. */
    public String name() {
        return name;
    }

    public LiveStreamSettings settings() {
        return settings;
    }

    /** Publishing as a {@link FrameSink}, for {@code encoder.encode(pcm, 0, n, stream.sink())}. */
    public FrameSink sink() {
        return this::publish;
    }

    /**
     * Appends one whole MP3 frame (copied) and tells the observers.
     *
     * @throws IllegalArgumentException when the bytes are not exactly one frame
     * @throws IllegalStateException    after {@link #end()}
     */
    public void publish(byte[] data, int offset, int length) {
        FrameHeader header = parseWhole(data, offset, length);
        long newHead;
        synchronized (lock) {
            if (ended) {
                throw new IllegalStateException(name + ": publish after end");
            }
            int slot = (int) (head % slots.length);
            if (slots[slot] == null || slots[slot].length < length) {
                slots[slot] = new byte[Math.max(length, 512)];
            }
            System.arraycopy(data, offset, slots[slot], 0, length);
            lengths[slot] = length;
            startMicros[slot] = publishedMicros;
            publishedMicros += header.durationMicros();
            publishedBytes += length;
            lastHeader = header;
            newHead = ++head;
            lock.notifyAll();
        }
        for (StreamObserver o : observers) {
            o.onFrames(this, newHead);
        }
    }

    /** Ends the stream: readers get what was published, then the end. Idempotent. */
    public void end() {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            lock.notifyAll();
        }
        for (StreamObserver o : observers) {
            o.onEnd(this);
        }
    }

    public boolean isEnded() {
        synchronized (lock) {
            return ended;
        }
    }

    public void addObserver(StreamObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    public void removeObserver(StreamObserver observer) {
        observers.remove(observer);
    }

    /** Sequence number of the next frame to be published: frames {@code [oldest(), head())} are readable. */
    public long head() {
        synchronized (lock) {
            return head;
        }
    }

    /** Sequence number of the oldest frame still kept. */
    public long oldest() {
        synchronized (lock) {
            return oldestLocked();
        }
    }

    /**
     * Where a new listener starts, on a frame boundary: about {@code burstMillis} before the head,
     * and further back if that holds fewer than {@code burstMinBytes}.
     */
    public long burstStart() {
        long start = startBefore(settings.burstMillis() * 1000L);
        if (settings.burstMillis() == 0 || settings.burstMinBytes() == 0) {
            return start;
        }
        synchronized (lock) {
            long oldest = oldestLocked();
            long bytes = 0;
            for (long seq = head - 1; seq >= oldest; seq--) {
                bytes += lengths[slot(seq)];
                if (seq <= start && bytes >= settings.burstMinBytes()) {
                    return seq;
                }
            }
            return Math.min(start, oldest);
        }
    }

    /** The frame a reader must start at to be at least {@code micros} of audio behind the head. */
    public long startBefore(long micros) {
        synchronized (lock) {
            if (micros <= 0) {
                return head;
            }
            long oldest = oldestLocked();
            for (long seq = head - 1; seq >= oldest; seq--) {
                if (publishedMicros - startMicros[slot(seq)] >= micros) {
                    return seq;
                }
            }
            return oldest;
        }
    }

    /** Audio between frame {@code seq} and the head, in microseconds; {@code seq} must still be kept. */
    public long microsBehind(long seq) {
        synchronized (lock) {
            if (seq >= head) {
                return 0;
            }
            checkKept(seq);
            return publishedMicros - startMicros[slot(seq)];
        }
    }

    /** Bytes of frames {@code [from, to)}, all still kept. */
    public int bytesBetween(long from, long to) {
        synchronized (lock) {
            checkRange(from, to);
            int n = 0;
            for (long s = from; s < to; s++) {
                n += lengths[slot(s)];
            }
            return n;
        }
    }

    /**
     * Hands frames {@code [from, to)} to {@code sink}, one whole frame per call, under the stream's
     * lock: copy the bytes and return quickly.
     *
     * @throws IllegalArgumentException when the range is not all kept and published
     */
    public void read(long from, long to, FrameSink sink) {
        synchronized (lock) {
            checkRange(from, to);
            for (long s = from; s < to; s++) {
                int i = slot(s);
                sink.onFrame(slots[i], 0, lengths[i]);
            }
        }
    }

    /** A cursor at {@link #burstStart()}, for pull-style readers. */
    public Cursor cursor() {
        return new Cursor(this, burstStart());
    }

    /** Frames published so far. */
    public long publishedFrames() {
        return head();
    }

    public long publishedBytes() {
        synchronized (lock) {
            return publishedBytes;
        }
    }

    /** Audio published so far, in microseconds. */
    public long publishedMicros() {
        synchronized (lock) {
            return publishedMicros;
        }
    }

    /** The header of the newest frame, or empty before the first. */
    public Optional<FrameHeader> lastHeader() {
        synchronized (lock) {
            return Optional.ofNullable(lastHeader);
        }
    }

    /** Waits until frames past {@code seq} exist or the stream ends; returns the head. */
    long awaitBeyond(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (lock) {
            while (head <= seq && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return head;
        }
    }

    private static FrameHeader parseWhole(byte[] data, int offset, int length) {
        if (length < FrameHeader.SIZE) {
            throw new IllegalArgumentException("length not supported: " + length + " (one whole MP3 frame)");
        }
        FrameHeader header;
        try {
            header = FrameHeader.parse(data, offset);
        } catch (Mp3FormatException e) {
            throw new IllegalArgumentException("not an MP3 frame: " + e.getMessage(), e);
        }
        if (header.frameLengthBytes() != length) {
            throw new IllegalArgumentException("length not supported: " + length
                    + " (the frame header says " + header.frameLengthBytes() + ")");
        }
        return header;
    }

    private long oldestLocked() {
        return Math.max(0, head - slots.length);
    }

    private int slot(long seq) {
        return (int) (seq % slots.length);
    }

    private void checkKept(long seq) {
        if (seq < oldestLocked()) {
            throw new IllegalArgumentException(name + ": frame " + seq + " no longer kept (oldest " + oldestLocked() + ")");
        }
    }

    private void checkRange(long from, long to) {
        if (from > to || to > head) {
            throw new IllegalArgumentException(name + ": frames [" + from + ", " + to + ") not published (head " + head + ")");
        }
        if (from < to) {
            checkKept(from);
        }
    }
}
