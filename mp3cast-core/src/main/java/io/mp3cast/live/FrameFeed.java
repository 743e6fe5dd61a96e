package io.mp3cast.live;

import java.util.function.BooleanSupplier;

/**
 * Where a live stream's frames come from: a generator paced by the scheduler's clock
 * ({@link PacedSourceFeed}), or producers pushing PCM or MP3 ({@link io.mp3cast.live.push.PushFeed}).
 *
 * <p>A feed publishes into exactly one {@link LiveStream}, from threads of its own choosing, one
 * at a time. When its audio ends it publishes the final frames and ends the stream.
 */
public interface FrameFeed extends AutoCloseable {
    /** Starts publishing into {@code stream} and returns at once. */
    void start(LiveStream stream);

    FeedState state();

    /** What feeds the stream, for status pages: {@code "tone 440 Hz"}. */
    String description();

    /**
     * While {@code on}, publishes each frame as soon as it may (when it is due, or as it is
     * encoded) rather than a step of several at a time: someone gets every frame as it is
     * published (a server's low-latency listeners), and a step's wait would be their delay. A feed
     * without steps ignores it. From any thread; returns at once.
     */
    default void publishEveryFrame(boolean on) {
    }

    /**
     * Who wants the stream's frames, for a feed that runs on demand: while {@code wanted} says no
     * (for the feed's grace period), such a feed stands by and makes no frames; it asks again at
     * each step, and {@link #demandChanged()} wakes it when the answer may have turned to yes. A feed
     * that always runs ignores both. Called before {@link #start}; {@code wanted} must answer at once,
     * from the feed's thread.
     */
    default void demand(BooleanSupplier wanted) {
    }

    /** Someone may want the frames now: a standing-by feed asks {@link #demand}'s answer again. From any thread. */
    default void demandChanged() {
    }

    /**
     * Stops publishing, frees what the feed holds (encoders, sources) and ends a started feed's
     * stream: at once, or right after a publish in progress on another thread. Returns at once,
     * without waiting for other threads, so network event loops may call it. Idempotent.
     */
    @Override
    void close();
}
