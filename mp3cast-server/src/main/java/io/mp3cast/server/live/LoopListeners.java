package io.mp3cast.server.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listeners of one mount on one event loop. The list is touched only on that loop; the
 * publisher reads {@link #isEmpty()} and sets the busy flag that the loop clears when it has
 * delivered a batch.
 */
final class LoopListeners {
    private final List<ListenerSession> sessions = new ArrayList<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile int size;
    /**
     * The first frame of the next batch this loop should get: read and written only by whoever holds
     * the delivery ({@link #tryBeginDelivery()}), the publisher or the loop catching up.
     */
    long nextFrom;
    /** The end of the newest batch the publisher wanted this loop to have; the loop catches up to it. */
    volatile long missedTo;

    LoopListeners(long nextFrom) {
        this.nextFrom = nextFrom;
    }

    /** Whether the loop has finished its previous batch; if so, it is marked busy with the next. */
    boolean tryBeginDelivery() {
        return busy.compareAndSet(false, true);
    }

    void endDelivery() {
        busy.set(false);
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(ListenerSession s) {
        sessions.add(s);
        size = sessions.size();
    }

    void remove(ListenerSession s) {
        sessions.remove(s);
        size = sessions.size();
    }

    /** The listeners now, as an array that closing channels do not change. */
    ListenerSession[] snapshot() {
        return sessions.toArray(new ListenerSession[0]);
    }

    void endAll() {
        for (ListenerSession s : sessions.toArray(new ListenerSession[0])) {
            s.end();
        }
    }
}
