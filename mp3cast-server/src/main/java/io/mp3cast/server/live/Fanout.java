package io.mp3cast.server.live;

import io.mp3cast.live.LiveStream;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The listeners of one live mount that get frames at one interval: every {@code batch-ms} of audio
 * (most listeners), or every frame as it is published (low-latency listeners, see
 * {@link LiveMount#LOW_LATENCY_BURST_MILLIS}). Gathers frames on the publisher's thread, copies
 * each batch once into a shared {@link Batch} and hands one task per event loop to the loops that
 * hold its listeners; a loop writes the batch to them in slices, serving its sockets in between.
 *
 * <p>Threading: {@link #onFrames}, {@link #onEnd} and the delivery bookkeeping run on the
 * publisher's thread; each listener is touched only on its channel's event loop.
 */
final class Fanout {
    /** Listeners written to before the event loop gets to serve its other sockets again. */
    static final int SLICE_LISTENERS = 512;

    private final LiveMount mount;
    private final LiveStream stream;
    private final IntSupplier intervalMillis;
    private final Map<EventExecutor, LoopListeners> loops = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Publisher thread only: the first frame of the batch being gathered. */
    private long batchFrom;

    /** @param intervalMillis audio gathered per write, read at each frame (0: every frame) */
    Fanout(LiveMount mount, IntSupplier intervalMillis) {
        this.mount = mount;
        this.stream = mount.stream;
        this.intervalMillis = intervalMillis;
    }

    /** Registers a listener that has had its burst; on its channel's event loop. */
    LoopListeners add(ListenerSession session, EventExecutor loop) {
        LoopListeners group = loops.computeIfAbsent(loop, l -> new LoopListeners(stream.head()));
        group.add(session);
        size.incrementAndGet();
        return group;
    }

    void remove(LoopListeners group, ListenerSession session) {
        group.remove(session);
        size.decrementAndGet();
    }

    int size() {
        return size.get();
    }

    void onFrames(long head) {
        if (stream.microsBehind(batchFrom) >= intervalMillis.getAsInt() * 1000L) {
            dispatch(head);
        }
    }

    /** Hands out the last frames, then ends every listener's body. */
    void onEnd(long head) {
        dispatch(head);
        for (Map.Entry<EventExecutor, LoopListeners> e : loops.entrySet()) {
            execute(e.getKey(), e.getValue()::endAll);
        }
    }

    /**
     * Hands frames up to {@code to} to every loop with listeners. A loop still busy with its previous
     * batch is skipped, and sends the frames it missed as soon as it is done ({@link #catchUp}): an
     * overloaded loop sees fewer, larger batches rather than a growing queue of tasks.
     */
    private void dispatch(long to) {
        long from = batchFrom;
        batchFrom = to;
        if (size.get() == 0 || from >= to) {
            return;
        }
        Batch shared = null;
        int kbps = mount.bitrateKbps(128);
        try {
            for (Map.Entry<EventExecutor, LoopListeners> e : loops.entrySet()) {
                LoopListeners group = e.getValue();
                if (group.isEmpty()) {
                    continue;
                }
                group.missedTo = to;  // before trying: a loop that ends its delivery after a failed try sees it
                if (!group.tryBeginDelivery()) {
                    continue;
                }
                long groupFrom = Math.max(Math.min(group.nextFrom, from), stream.oldest());
                Batch batch;
                if (groupFrom == from) {
                    shared = shared == null ? Batch.build(mount.alloc, stream, from, to) : shared;
                    batch = shared;
                    batch.retain();
                } else {
                    batch = Batch.build(mount.alloc, stream, groupFrom, to);
                }
                group.nextFrom = to;
                EventExecutor loop = e.getKey();
                if (!execute(loop, () -> deliver(loop, group, batch, kbps))) {
                    group.endDelivery();
                    batch.release();
                }
            }
        } finally {
            if (shared != null) {
                shared.release();
            }
        }
    }

    private void deliver(EventExecutor loop, LoopListeners group, Batch batch, int kbps) {
        // A copy: a delivery may close a channel, and closing removes it from the group.
        deliverSlice(loop, group, batch, Lag.at(stream, batch.from, kbps), group.snapshot(), 0);
    }

    /**
     * Delivers to {@link #SLICE_LISTENERS} listeners, then lets the loop serve its sockets (new
     * listeners, requests) before the next slice: at 10,000 listeners one batch is about 70 ms of
     * writes, which a joining listener would otherwise wait behind. The batch is released, and the
     * group free for the next one, after the last slice.
     */
    private void deliverSlice(EventExecutor loop, LoopListeners group, Batch batch, Lag lag,
                              ListenerSession[] sessions, int from) {
        int to = Math.min(sessions.length, from + SLICE_LISTENERS);
        boolean more = false;
        try {
            for (int i = from; i < to; i++) {
                sessions[i].deliver(batch, lag);
            }
            more = to < sessions.length && schedule(loop, () -> deliverSlice(loop, group, batch, lag, sessions, to));
        } finally {
            if (!more) {
                group.endDelivery();
                batch.release();
                if (group.missedTo > group.nextFrom) {
                    catchUp(loop, group);
                }
            }
        }
    }

    /**
     * On the loop, right after a delivery: the frames the publisher could not hand over while it was
     * busy (it merges them into its next batch, which may be a whole batch away, or never come when
     * the stream pauses) go out now.
     */
    private void catchUp(EventExecutor loop, LoopListeners group) {
        if (!group.tryBeginDelivery()) {
            return;  // the publisher got in first, with those frames
        }
        long to = group.missedTo;
        long from = Math.max(group.nextFrom, stream.oldest());
        if (from >= to || to > stream.head()) {
            group.endDelivery();
            return;
        }
        group.nextFrom = to;
        deliver(loop, group, Batch.build(mount.alloc, stream, from, to), mount.bitrateKbps(128));
    }

    /** Runs {@code task} on {@code loop} after the I/O it has waiting (a task scheduled now waits for that). */
    private static boolean schedule(EventExecutor loop, Runnable task) {
        try {
            loop.schedule(task, 0, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static boolean execute(EventExecutor loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;  // the loop is shutting down with its channels
        }
    }
}
