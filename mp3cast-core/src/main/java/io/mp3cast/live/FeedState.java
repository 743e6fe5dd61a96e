package io.mp3cast.live;

/** Where a {@link FrameFeed} is in its life. */
public enum FeedState {
    /** Created, not started. */
    IDLE,
    /** Publishing frames. */
    RUNNING,
    /** Started, on demand, and standing by: no one wants its frames, so it makes none until someone does. */
    STANDBY,
    /** Its audio ended; the stream was ended after the final frames. */
    ENDED,
    /** It failed; the stream was ended. The failure was logged with the stream's name. */
    FAILED,
    /** Stopped by {@link FrameFeed#close()}. */
    CLOSED
}
