package io.mp3cast.server.ops;

import java.util.concurrent.atomic.LongAdder;

/** Connections counted since start, as Icecast's {@code /admin/stats} reports them. Thread-safe. */
public final class Tally {
    /** Every accepted connection. */
    public final LongAdder connections = new LongAdder();
    /** Every listener that joined a live mount. */
    public final LongAdder listenerConnections = new LongAdder();
    /** Every request for a file of the web page. */
    public final LongAdder fileConnections = new LongAdder();
}
