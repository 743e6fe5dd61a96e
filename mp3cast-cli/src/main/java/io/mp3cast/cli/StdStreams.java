package io.mp3cast.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's standard streams, passed in rather than read from {@link System}, so tests run
 * commands in-process with byte arrays for stdin and stdout.
 *
 * @param in          stdin, for {@code -} as input
 * @param out         stdout: binary output (MP3 for {@code -}) as well as help text
 * @param err         stderr: messages, progress and logs
 * @param interactive whether a person watches (a console is attached): only then is progress drawn
 */
public record StdStreams(InputStream in, OutputStream out, PrintStream err, boolean interactive) {

    /**
     * The real streams. Stdout is the raw file descriptor, not {@link System#out}: a
     * {@link PrintStream} swallows write errors, and a closed pipe ({@code mp3cast encode x.wav - | head})
     * must stop the encode.
     */
    public static StdStreams system() {
        return new StdStreams(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                System.err, System.console() != null);
    }

    PrintWriter outWriter() {
        return new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    }

    PrintWriter errWriter() {
        return new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    }
}
