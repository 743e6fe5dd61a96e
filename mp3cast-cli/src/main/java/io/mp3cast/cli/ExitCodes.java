package io.mp3cast.cli;

/** What the process's exit status means; scripts tell bad input from a wrong command line by it. */
final class ExitCodes {
    static final int OK = 0;
    /** The input could not be read or is not audio this can encode; or output could not be written. */
    static final int BAD_INPUT = 1;
    /** Unknown option, missing argument, value out of range: {@code --help} tells how to fix it. */
    static final int USAGE = 2;
    /** The server answered with an error status (4xx, 5xx): wrong password, mount taken, bad parameter. */
    static final int REFUSED = 3;
    /** The server could not be reached, or the connection broke before it answered: worth a retry. */
    static final int UNREACHABLE = 4;
    /** A bug in mp3cast (sysexits' EX_SOFTWARE); the stack trace is printed for the report. */
    static final int SOFTWARE = 70;

    private ExitCodes() {}
}
