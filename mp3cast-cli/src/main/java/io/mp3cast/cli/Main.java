package io.mp3cast.cli;

import io.mp3cast.time.Scheduler;
import java.util.Map;
import java.util.function.Supplier;
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
        return run(io, env, Main::systemClock, args);
    }

    /** As {@link #run(StdStreams, Map, String...)}, pacing by the clock {@code clock} makes (tests: a manual one). */
    static int run(StdStreams io, Map<String, String> env, Supplier<Scheduler> clock, String... args) {
        return commandLine(io, env, clock).execute(args);
    }

    static CommandLine commandLine(StdStreams io, Map<String, String> env, Supplier<Scheduler> clock) {
        CommandLine cli = new CommandLine(new Mp3castCommand());
        addSubcommands(cli, io, env, clock);
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
    private static void addSubcommands(CommandLine cli, StdStreams io, Map<String, String> env,
                                       Supplier<Scheduler> clock) {
        cli.addSubcommand(new ServeCommand());
        cli.addSubcommand(new EncodeCommand(io));
        cli.addSubcommand(new PushCommand(io, env, clock));
        cli.addSubcommand(new CommandLine.HelpCommand());
    }

    /** The system clock as a scheduler (its one thread idles: a paced sender waits on its own thread). */
    private static Scheduler systemClock() {
        return Scheduler.system("mp3cast-clock", 1);
    }
}
