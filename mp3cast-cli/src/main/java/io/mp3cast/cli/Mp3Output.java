package io.mp3cast.cli;

import io.mp3cast.mp3.FrameSink;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where MP3 frames go: a file, or stdout. Stdout is flushed after every input block, so a player
 * at the end of a pipe hears a live stream as it is produced; it is never closed.
 *
 * <p>Write failures name the output ({@code stdout: Broken pipe}). {@link FrameSink} cannot throw
 * {@link IOException}, so from {@link #onFrame} they surface as {@link UncheckedIOException}.
 */
final class Mp3Output implements FrameSink, Closeable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final String name;
    private final OutputStream out;
    private final Optional<Path> file;
    private long bytes;

    private Mp3Output(String name, OutputStream out, Optional<Path> file) {
        this.name = name;
        this.out = new BufferedOutputStream(out, BUFFER_BYTES);
        this.file = file;
    }

    static Mp3Output file(Path path) throws IOException {
        return new Mp3Output(path.toString(), Files.newOutputStream(path), Optional.of(path));
    }

    static Mp3Output stdout(OutputStream stdout) {
        return new Mp3Output("stdout", stdout, Optional.empty());
    }

    @Override
    public void onFrame(byte[] data, int offset, int length) {
        try {
            out.write(data, offset, length);
            bytes += length;
        } catch (IOException e) {
            throw new UncheckedIOException(named(e));
        }
    }

    /** A block of input has been encoded: let a pipe's reader have its frames now. */
    void endOfBlock() throws IOException {
        if (file.isEmpty()) {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }
    }

    String name() {
        return name;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        try {
            if (file.isPresent()) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            throw named(e);
        }
    }

    private IOException named(IOException e) {
        return new IOException(name + ": " + ErrorHandlers.describe(e), e);
    }

    /** After a failure: no half-written MP3 file is left behind looking complete. */
    void discard() {
        try {
            close();
        } catch (IOException | RuntimeException ignored) {
            // The failure being handled already says what went wrong; this one adds nothing.
        }
        file.ifPresent(path -> path.toFile().delete());
    }
}
