package io.mp3cast.server;

import io.mp3cast.source.AudioSource;

/**
 * Makes the audio for one per-request stream. Called on a network thread: do not block here;
 * blocking belongs in the source's {@code read}. A source that may block (the default, see
 * {@link AudioSource#nanosUntilReadable}) is read on a bounded pool of reader threads (virtual
 * threads on Java 21 and later); one that never blocks is read on the server's scheduler and costs
 * no thread between its reads.
 */
@FunctionalInterface
public interface StreamRoute {
    /**
     * @throws IllegalArgumentException when the request's values are bad; the client gets 400
     *                                  with the message, so name the value
     */
    AudioSource open(StreamRequest request);
}
