package io.mp3cast.cli;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code push} sends: an input's audio, read block by block and placed in time, and how the
 * server is to read it. Opening one reads what it needs to know (a WAV header, the first MP3 frame),
 * so a bad input is reported before any connection is made.
 */
interface PushBody extends Closeable {
    /** {@link #durationNanos} of an input whose length is not known ahead (a pipe). */
    long UNKNOWN_DURATION = -1;

    /** How messages name the input: its path, or {@code stdin}. */
    String name();

    /** The request's {@code Content-Type}: MP3 unless the body says otherwise. */
    default String contentType() {
        return "audio/mpeg";
    }

    /** Query parameters that tell the server the body's format; empty when the content type says it all. */
    default Map<String, String> formatQuery() {
        return Map.of();
    }

    /**
     * What Icecast's {@code ice-audio-info} header says of the stream, in its order: {@code samplerate},
     * {@code channels} and, when it is constant and known here, {@code bitrate} (kbps).
     */
    Map<String, String> audioInfo();

    /** An {@link #audioInfo()} map; {@code bitrateKbps} 0 when it is not known or not constant. */
    static Map<String, String> audioInfo(int sampleRateHz, int channels, int bitrateKbps) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("samplerate", Integer.toString(sampleRateHz));
        info.put("channels", Integer.toString(channels));
        if (bitrateKbps > 0) {
            info.put("bitrate", Integer.toString(bitrateKbps));
        }
        return info;
    }

    /** What the audio is, for the summary line, such as {@code 24000 Hz mono FLOAT32_LE}. */
    String describe();

    /** Playing time of the whole input, or {@link #UNKNOWN_DURATION}. */
    long durationNanos();

    /**
     * Reads the input to its end, handing each block to {@code sink} as soon as it is read.
     *
     * @throws IOException when reading the input fails
     */
    void transferTo(BlockSink sink) throws IOException, CliException;

    /** Things worth a warning once the input has been sent, such as a WAV shorter than its header said. */
    List<String> warnings();

    /** Where blocks go; sending failures are {@link CliException}s, so they are not taken for input errors. */
    @FunctionalInterface
    interface BlockSink {
        /**
         * @param startNanos where the block's audio starts, from the start of the stream
         * @param endNanos   where it ends
         */
        void accept(byte[] block, int offset, int length, long startNanos, long endNanos) throws IOException, CliException;
    }
}
