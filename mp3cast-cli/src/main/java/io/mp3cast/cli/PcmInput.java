package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.PcmFormatException;
import io.mp3cast.pcm.WavHeader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Audio to read: a stream positioned at the first sample, what its samples are, and how many bytes
 * of them to read. {@link #open} makes one from a command's input argument, a WAV or raw PCM file
 * or {@code -} for stdin.
 *
 * @param name          how messages name it: the path, or {@code stdin}
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
    /** The input argument that means stdin. */
    static final String STDIN = "-";
    private static final int BUFFER_BYTES = 64 * 1024;

    /**
     * Opens {@code input} (a path, or {@code -} for {@code stdin}) as raw PCM of {@code rawFormat},
     * or, when that is empty, as a WAV whose header is read here.
     *
     * @throws CliException for a directory, or a WAV header that is missing or cannot be decoded
     * @throws IOException  for a file that is missing or unreadable, named in the exception
     */
    static PcmInput open(String input, Optional<PcmFormat> rawFormat, InputStream stdin) throws IOException, CliException {
        boolean isStdin = STDIN.equals(input);
        String name = isStdin ? "stdin" : input;
        InputStream in = new BufferedInputStream(isStdin ? stdin : openFile(Path.of(input)), BUFFER_BYTES);
        try {
            boolean regularFile = !isStdin && Files.isRegularFile(Path.of(input));
            if (rawFormat.isEmpty()) {
                return wav(name, in, !isStdin, regularFile);
            }
            // Raw PCM is read to its end; only a regular file's size is known ahead, for progress.
            long length = regularFile ? Files.size(Path.of(input)) : UNTIL_END;
            return new PcmInput(name, in, rawFormat.get(), length, !isStdin, regularFile);
        } catch (IOException | CliException | RuntimeException e) {
            if (!isStdin) {
                in.close();
            }
            throw e;
        }
    }

    private static PcmInput wav(String name, InputStream in, boolean owned, boolean regularFile)
            throws IOException, CliException {
        checkLooksLikeRiff(name, in);
        try {
            WavHeader header = WavHeader.read(in);
            long length = header.isLengthKnown() ? header.dataBytes() : UNTIL_END;
            return new PcmInput(name, in, header.format(), length, owned, regularFile);
        } catch (PcmFormatException e) {
            throw CliException.badInput(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The likeliest mistake is raw PCM without {@code --format}: say so, rather than only that the
     * first four bytes are not 'RIFF'.
     */
    private static void checkLooksLikeRiff(String name, InputStream in) throws IOException, CliException {
        in.mark(4);
        String magic = new String(in.readNBytes(4), StandardCharsets.ISO_8859_1);
        in.reset();
        if (!magic.equals("RIFF") && !magic.equals("RF64")) {
            throw CliException.badInput(name + ": not a WAV file (" + (magic.isEmpty() ? "it is empty" : "no RIFF header")
                    + "); for raw PCM give --format, --rate and --channels", null);
        }
    }

    /**
     * A {@link FileInputStream}, not {@link Files#newInputStream}: the latter's {@code available()}
     * asks for a position, which pipes ({@code <(cmd)}, FIFOs, {@code /dev/stdin}) refuse with
     * "Illegal seek". The checks before it give the messages {@code Files} would have.
     */
    static InputStream openFile(Path path) throws IOException, CliException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.isDirectory(path)) {
            throw CliException.badInput(path + ": is a directory", null);
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(path.toString());
        }
        return new FileInputStream(path.toFile());
    }

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
