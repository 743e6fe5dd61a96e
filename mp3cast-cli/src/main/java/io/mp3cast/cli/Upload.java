package io.mp3cast.cli;

import java.io.Closeable;

/**
 * One connection's push: the body written as it comes, then ended. Two shapes ({@link PushUpload}
 * for mp3cast, {@link IcecastUpload} for Icecast and anything else): see {@link PushTarget}.
 */
interface Upload extends Closeable {
    /** Sends {@code length} bytes now; a failure says whether the server refused or went away. */
    void write(byte[] bytes, int offset, int length) throws CliException;

    /**
     * Ends the body and returns what the server answered, for the summary line.
     *
     * @throws CliException when the server's answer is an error, or does not come
     */
    String finish() throws CliException;

    /** Drops the connection without ending the body. Idempotent. */
    @Override
    void close();
}
