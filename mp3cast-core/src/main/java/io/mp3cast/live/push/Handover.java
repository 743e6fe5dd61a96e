package io.mp3cast.live.push;

import io.mp3cast.pcm.PcmFormat;
import java.util.ArrayDeque;

/**
 * Where producers hand their audio to the play-out: which producer is attached (one at a time;
 * takeover replaces it), what it handed over, in order, and whether there is room for more.
 *
 * <p><b>Room.</b> Audio handed over and not yet played counts against the buffer: the items
 * waiting here plus the frames the play-out holds (it reports them with {@link #buffered}). Past
 * {@code bufferNanos} producers are told there is no room; a task left with {@link #whenRoom}
 * runs once the total is down to three quarters.
 *
 * <p><b>Threading.</b> Producers call from their own threads (network event loops), the play-out
 * job from its own. One lock, held for a few instructions: nobody waits on work done under it.
 * Callbacks (the wake-up, room tasks) are returned or run outside it.
 */
final class Handover {
    /** One thing a producer handed over. */
    sealed interface Item permits BeginPcm, BeginMp3, Pcm, Mp3 {}

    /** PCM in {@code format} follows, from {@code origin}. */
    record BeginPcm(PcmFormat format, String origin) implements Item {}

    /** MP3 frames follow. */
    record BeginMp3(String origin) implements Item {}

    /** Whole sample frames in the last {@link BeginPcm}'s format, {@code nanos} of audio. */
    record Pcm(byte[] bytes, long nanos) implements Item {}

    /** One whole MP3 frame of {@code nanos}. */
    record Mp3(byte[] frame, long nanos) implements Item {}

    /** What {@link #attach} did: refused (another producer is attached), or attached, replacing {@code replaced} (or none). */
    record Attached(boolean ok, Producer replaced) {}

    private final long bufferNanos;
    private final long resumeNanos;
    private final Runnable wake;
    private volatile Runnable onLeft = () -> { };
    private final Object lock = new Object();
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long pendingNanos;
    private long bufferedNanos;
    private long peakNanos;
    private Producer producer;
    private Runnable roomTask;
    private long attachedCount;
    private boolean closed;
    private boolean draining;

    /** @param wake wakes the play-out; called outside the lock after each hand-over */
    Handover(long bufferNanos, Runnable wake) {
        this.bufferNanos = bufferNanos;
        this.resumeNanos = bufferNanos * 3 / 4;
        this.wake = wake;
    }

    // ---- producers' side

    /** @throws IllegalStateException when the feed is closed */
    Attached attach(Producer next, boolean takeover, String feedName) {
        synchronized (lock) {
            if (closed || draining) {
                throw new IllegalStateException(feedName + ": feed is " + (closed ? "closed" : "draining"));
            }
            Producer previous = producer;
            if (previous != null && !takeover) {
                return new Attached(false, null);
            }
            if (previous != null) {
                previous.detach();
            }
            producer = next;
            roomTask = null;
            attachedCount++;
            return new Attached(true, previous);
        }
    }

    /** Queues {@code item} when {@code from} is attached, and wakes the play-out; false (dropped) otherwise. */
    boolean offer(Producer from, Item item) {
        boolean wasEmpty;
        synchronized (lock) {
            if (from != producer) {
                return false;
            }
            wasEmpty = items.isEmpty();
            items.add(item);
            pendingNanos += nanos(item);
            peakNanos = Math.max(peakNanos, pendingNanos + bufferedNanos);
        }
        if (wasEmpty) {
            wake.run();  // items already waiting have a run coming: the play-out takes all there are
        }
        return true;
    }

    /** {@code p} left; its audio handed over still plays. */
    boolean detach(Producer p) {
        synchronized (lock) {
            if (p != producer) {
                return false;
            }
            producer = null;
            roomTask = null;
        }
        wake.run();
        onLeft.run();
        return true;
    }

    /** Runs {@code task} on a producer's thread each time one leaves (not when one is taken over). */
    void onLeft(Runnable task) {
        onLeft = task;
    }

    boolean hasRoom() {
        synchronized (lock) {
            return pendingNanos + bufferedNanos < bufferNanos;
        }
    }

    /** Runs {@code task} now if there is room (or {@code p} is not attached), else once there is. */
    void whenRoom(Producer p, Runnable task) {
        synchronized (lock) {
            if (p == producer && pendingNanos + bufferedNanos >= bufferNanos) {
                roomTask = task;
                return;
            }
        }
        task.run();
    }

    Producer producer() {
        synchronized (lock) {
            return producer;
        }
    }

    long attachedCount() {
        synchronized (lock) {
            return attachedCount;
        }
    }

    /** Audio handed over and not played yet, in nanoseconds. */
    long unplayedNanos() {
        synchronized (lock) {
            return pendingNanos + bufferedNanos;
        }
    }

    long peakNanos() {
        synchronized (lock) {
            return peakNanos;
        }
    }

    /** Nobody attaches after this; the attached producer goes on. */
    void drain() {
        synchronized (lock) {
            draining = true;
        }
    }

    /** Nobody attaches after this; returns the producer that was attached, now detached, or null. */
    Producer close() {
        synchronized (lock) {
            closed = true;
            Producer p = producer;
            if (p != null) {
                p.detach();
            }
            producer = null;
            roomTask = null;
            return p;
        }
    }

    // ---- the play-out's side

    /** The next item, or null. */
    Item poll() {
        synchronized (lock) {
            Item item = items.poll();
            if (item != null) {
                pendingNanos -= nanos(item);
            }
            return item;
        }
    }

    boolean isEmpty() {
        synchronized (lock) {
            return items.isEmpty();
        }
    }

    /**
     * The play-out holds {@code nanos} of frames now; returns the room task to run (outside any
     * lock) when the total is down to three quarters of the buffer, else null.
     */
    Runnable buffered(long nanos) {
        synchronized (lock) {
            bufferedNanos = nanos;
            peakNanos = Math.max(peakNanos, pendingNanos + bufferedNanos);
            if (roomTask == null || pendingNanos + bufferedNanos > resumeNanos) {
                return null;
            }
            Runnable task = roomTask;
            roomTask = null;
            return task;
        }
    }

    private static long nanos(Item item) {
        if (item instanceof Pcm p) {
            return p.nanos();
        }
        return item instanceof Mp3 m ? m.nanos() : 0;
    }
}
