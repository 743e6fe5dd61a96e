package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Audio to encode: a stream positioned at the first sample, what its samples are, and how many bytes
 * of them to read.
 *
 * @param name      how messages name it: the path, or {@code stdin}
 * @param stream        the samples
 * @param format        the samples' format, from the WAV header or the options
 * @param dataBytes     bytes of audio to read, or {@link #UNTIL_END} to read to the end of the stream
 * @param owned         whether closing this closes the stream: yes for files, no for stdin
 * @param isRegularFile whether it is a regular file, which is read at disk speed: progress is
 *                      worth showing against its length; a pipe's pace is set by its writer
 */
record PcmInput(String name, InputStream stream, PcmFormat format, long dataBytes, boolean owned,
                boolean isRegularFile) implements Closeable {

    static final long UNTIL_END = -1;

    boolean isLengthKnown() {
        return dataBytes != UNTIL_END;
    }

    /** Bytes of input per second of audio. */
    double bytesPerSecond() {
        return (double) format.sampleRateHz() * format.bytesPerFrame();
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            stream.close();
        }
    }
}
