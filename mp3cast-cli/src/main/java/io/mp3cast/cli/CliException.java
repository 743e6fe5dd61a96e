package io.mp3cast.cli;

/**
 * A failure the user can fix, reported as one line without a stack trace: the message already says
 * what went wrong and with which file or server.
 */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Input that cannot be read or decoded, or output that cannot be written. */
    static CliException badInput(String message, Throwable cause) {
        return new CliException(ExitCodes.BAD_INPUT, message, cause);
    }

    /** The server answered, with an error status. */
    static CliException refused(String message) {
        return new CliException(ExitCodes.REFUSED, message, null);
    }

    /** The server could not be reached, or went away without an answer. */
    static CliException unreachable(String message, Throwable cause) {
        return new CliException(ExitCodes.UNREACHABLE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
