package io.mp3cast.pcm;

import java.io.IOException;

/** PCM or WAV bytes that cannot be read as audio; the message names the field, actual and expected. */
public class PcmFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PcmFormatException(String message) {
        super(message);
    }

    public PcmFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
