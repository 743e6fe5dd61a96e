package io.mp3cast.live.push;

/** What a {@link PushFeed}'s stream is playing. */
public enum PlayoutState {
    /** No source has connected yet and there is no fallback: nothing is published. */
    IDLE,
    /** A source is connected: its audio plays (or silence, while it is late). */
    LIVE,
    /** The source went away: silence in the stream's format until one returns. */
    SILENCE,
    /** The source went away (or never came): the fallback stream's frames are relayed. */
    FALLBACK
}
