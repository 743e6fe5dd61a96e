package io.mp3cast.cli;

/**
 * A failure the user can fix, reported as one line without a stack trace: the message already says
 * what went wrong and with which file or server.
 */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final int status;

    private CliException(int exitCode, int status, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.status = status;
    }

    /** Input that cannot be read or decoded, or output that cannot be written. */
    static CliException badInput(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_INPUT, 0, message, cause);
    }

    /** The server answered, with the error status {@code status}. */
    static CliException refused(int status, String message) {
        return new CliException(ExitCodes.REFUSED, status, message, null);
    }

    /** The server could not be reached, or went away without an answer. */
    static CliException unreachable(String message, Throwable cause) {
        return new CliException(ExitCodes.UNREACHABLE, 0, message, cause);
    }

    int exitCode() {
        return exitCode;
    }

    /** The HTTP status the server refused with, or 0 when it did not answer (or the input was bad). */
    int status() {
        return status;
    }
}
