package io.mp3cast.live.push;

/** How a {@link PushFeed} hands a source's audio to its stream. */
public enum Pacing {
    /** Played out at real time from a bounded buffer; a faster producer is slowed down. */
    REAL_TIME,
    /**
     * Published as fast as it arrives, for a single listener waiting on it (a download, a test).
     * Nothing slows the producer but the listener's own limits: a listener that falls more than
     * its queue bound behind is dropped, as on any mount.
     */
    NONE
}
