package io.mp3cast.cli;

import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Command-line errors that picocli prints with the command's usage. */
final class Usage {
    private Usage() {}

    static ParameterException error(CommandLine command, String message) {
        return new ParameterException(command, message);
    }

    /** {@code value}'s result, or a usage error naming {@code option} if it rejects its input. */
    static <T> T checked(CommandLine command, String option, Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw error(command, "invalid value for " + option + ": " + e.getMessage());
        }
    }
}
