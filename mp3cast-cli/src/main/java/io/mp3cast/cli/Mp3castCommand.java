package io.mp3cast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top command: only options of its own ({@code --help}, {@code --version}); the work is in subcommands. */
@Command(name = "mp3cast", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Live PCM audio to MP3, streamed over HTTP.", ""},
        footer = {"", "Run 'mp3cast COMMAND --help' for a command's options."})
final class Mp3castCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** A bare {@code mp3cast} is a usage error: show what it can do, on stderr. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
