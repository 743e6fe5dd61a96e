package io.mp3cast.server.internal;

import java.util.ArrayList;
import java.util.List;

/** The listeners of one mount on one event loop. Touched only on that loop, except {@link #isEmpty()}. */
final class LoopListeners {
    private final List<ListenerSession> sessions = new ArrayList<>();
    private volatile int size;

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

    void deliver(Batch batch) {
        // Copy: a delivery may close a channel, and closing may remove it from the list.
        for (ListenerSession s : sessions.toArray(new ListenerSession[0])) {
            s.deliver(batch);
        }
    }

    void endAll() {
        for (ListenerSession s : sessions.toArray(new ListenerSession[0])) {
            s.end();
        }
    }
}
