package io.mp3cast.live;

/**
 * Told when a {@link LiveStream} gains frames or ends.
 *
 * <p>Called on the publishing thread, outside the stream's lock, in publish order. Keep it
 * short: hand work to another thread rather than block the publisher (and so the encoder).
 */
public interface StreamObserver {
    /** Frames up to (excluding) sequence number {@code head} are now readable. */
    void onFrames(LiveStream stream, long head);

    /** No frames will follow; frames already published stay readable. */
    default void onEnd(LiveStream stream) {}
}
