package io.mp3cast.mp3;

import java.io.IOException;

/** Bytes that are not a valid MP3 Layer III stream; the message names the field, actual and expected. */
public class Mp3FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public Mp3FormatException(String message) {
        super(message);
    }
}
