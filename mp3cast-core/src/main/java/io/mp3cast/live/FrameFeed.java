package io.mp3cast.live;

/**
 * Where a live stream's frames come from: a generator paced by a clock
 * ({@link PacedSourceFeed}), and later pushed PCM or pass-through MP3.
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

    /** Stops publishing and frees what the feed holds (encoders, sources). Idempotent. */
    @Override
    void close();
}
