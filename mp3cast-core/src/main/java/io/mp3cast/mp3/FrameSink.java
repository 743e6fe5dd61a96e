package io.mp3cast.mp3;

/**
 * Receives MP3 frames, one whole frame per call.
 *
 * <p>The bytes belong to the caller and are valid only during the call: copy what you keep.
 */
@FunctionalInterface
public interface FrameSink {
    void onFrame(byte[] data, int offset, int length);
}
