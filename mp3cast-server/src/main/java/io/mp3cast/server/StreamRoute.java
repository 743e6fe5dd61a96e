package io.mp3cast.server;

import io.mp3cast.source.AudioSource;

/**
 * Makes the audio for one per-request stream. Called on a network thread: do not block here;
 * blocking belongs in the source's {@code read}, which runs on the stream's own thread.
 */
@FunctionalInterface
public interface StreamRoute {
    /**
     * @throws IllegalArgumentException when the request's values are bad; the client gets 400
     *                                  with the message, so name the value
     */
    AudioSource open(StreamRequest request);
}
