package io.mp3cast.cli;

import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code mp3cast} command line. Exit codes ({@link ExitCodes}): 0 done, 1 bad input, 2 usage
 * error, 3 refused by the server, 4 server unreachable, 70 a bug.
 *
 * <p>To add a command, register it in {@link #addSubcommands}; it may live in any module this one
 * depends on.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(StdStreams.system(), args));
    }

    /** Runs one command line against {@code io} and returns the exit code, without exiting. */
    public static int run(StdStreams io, String... args) {
        return run(io, System.getenv(), args);
    }

    /** As {@link #run(StdStreams, String...)}, with {@code env} in place of the process's environment. */
    static int run(StdStreams io, Map<String, String> env, String... args) {
        return commandLine(io, env).execute(args);
    }

    static CommandLine commandLine(StdStreams io, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Mp3castCommand());
        addSubcommands(cli, io, env);
        // Settings reach the subcommands registered so far, hence after addSubcommands.
        ErrorHandlers errors = new ErrorHandlers();
        cli.setOut(io.outWriter())
                .setErr(io.errWriter())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /** Every subcommand, in the order help lists them. */
    private static void addSubcommands(CommandLine cli, StdStreams io, Map<String, String> env) {
        cli.addSubcommand(new ServeCommand());
        cli.addSubcommand(new EncodeCommand(io));
        cli.addSubcommand(new PushCommand(io, env));
        cli.addSubcommand(new CommandLine.HelpCommand());
    }
}
