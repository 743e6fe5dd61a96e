package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --format}, {@code --rate} and {@code --channels}: how raw PCM input is laid out, parsed the
 * same way for every command that reads audio. Without {@code --format} the input must be a WAV,
 * whose header says all of it.
 *
 * <p>{@code --format} is checked when the command runs, not while parsing, because {@code mp3} is a
 * format only {@code push} takes (it sends MP3 as it is); {@code encode} rejects it with a reason.
 */
final class PcmOptions {
    private static final String MP3 = "mp3";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--format", paramLabel = "FMT",
            description = "read the input as raw PCM: f32le, s16le or s16be (interleaved)")
    private String format;

    @Option(names = "--rate", paramLabel = "HZ",
            description = "raw PCM sample rate: 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100 or 48000")
    private Integer rateHz;

    @Option(names = "--channels", paramLabel = "N", description = "raw PCM channels, 1 or 2; default 1")
    private Integer channels;

    /** Whether {@code --format} was given, raw PCM or MP3. */
    boolean hasFormat() {
        return format != null;
    }

    /** Whether {@code --format mp3} was given. */
    boolean isMp3() {
        return MP3.equalsIgnoreCase(format);
    }

    /**
     * The raw PCM format the options describe, or empty when no {@code --format} was given and the
     * input must be a WAV.
     *
     * @throws ParameterException for a format name that is none of the raw ones, for {@code --rate}
     *                            or {@code --channels} without {@code --format}, and for values
     *                            {@link PcmFormat} rejects
     */
    Optional<PcmFormat> rawFormat() {
        if (format == null || isMp3()) {
            checkNoLayout(format == null ? "give --format too (a WAV header carries its own)" : "MP3 frames carry their own");
            return Optional.empty();
        }
        SampleEncoding encoding = checked("--format", () -> SampleEncoding.parse(format));
        if (rateHz == null) {
            throw usage("raw PCM needs --rate");
        }
        checked("--rate", () -> PcmFormat.of(rateHz, 1, encoding));
        return Optional.of(checked("--channels", () -> PcmFormat.of(rateHz, channels != null ? channels : 1, encoding)));
    }

    private void checkNoLayout(String why) {
        if (rateHz != null || channels != null) {
            throw usage("--rate and --channels describe raw PCM: " + why);
        }
    }

    private <T> T checked(String option, Supplier<T> value) {
        return Usage.checked(command.commandLine(), option, value);
    }

    private ParameterException usage(String message) {
        return Usage.error(command.commandLine(), message);
    }
}
