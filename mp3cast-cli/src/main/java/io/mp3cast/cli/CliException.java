package io.mp3cast.cli;

/**
 * A failure the user can fix, reported as one line without a stack trace: the message already says
 * what went wrong and with which file or server.
 */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The most of a server's answer a message quotes, in characters. */
    private static final int QUOTE_CHARS = 200;

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

    /**
     * The server at {@code target} answered {@code status}: "TARGET: STATUS LINE", then ": " and the server's own
     * message if it gave one, then for a 401 the hint in parentheses (such as how to give a password).
     */
    static CliException refused(int status, String target, String statusLine, String serverMessage, String unauthorizedHint) {
        StringBuilder m = new StringBuilder(target).append(": ").append(statusLine);
        if (!serverMessage.isEmpty()) {
            m.append(": ").append(serverMessage);
        }
        if (status == 401 && !unauthorizedHint.isEmpty()) {
            m.append(" (").append(unauthorizedHint).append(')');
        }
        return refused(status, m.toString());
    }

    /** {@code line} as a message quotes a server's answer: cut to 200 characters, with "..." when cut. */
    static String quote(String line) {
        return line.length() > QUOTE_CHARS ? line.substring(0, QUOTE_CHARS) + "..." : line;
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
