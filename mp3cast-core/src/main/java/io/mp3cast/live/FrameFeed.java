package io.mp3cast.live;

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
     * Stops publishing, frees what the feed holds (encoders, sources) and ends a started feed's
     * stream: at once, or right after a publish in progress on another thread. Returns at once,
     * without waiting for other threads, so network event loops may call it. Idempotent.
     */
    @Override
    void close();
}
