package io.mp3cast.cli;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.mp3.StereoMode;
import io.mp3cast.pcm.PcmFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --bitrate}, {@code --vbr}, {@code --quality} and {@code --encoder}: how PCM becomes MP3,
 * the same for {@code encode} and for {@code push} (which encodes on the client for servers that
 * take MP3 only).
 */
final class EncoderOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = {"-b", "--bitrate"}, paramLabel = "KBPS",
            description = "constant bitrate; default 64 for mono, 128 for stereo")
    private Integer bitrateKbps;

    @Option(names = "--vbr", paramLabel = "Q", description = "variable bitrate at quality Q, 0 (best) to 9 (smallest)")
    private Integer vbrQuality;

    @Option(names = {"-q", "--quality"}, paramLabel = "Q",
            description = "LAME algorithm quality, 0 (best, slowest) to 9 (fastest); default 5")
    private Integer lameQuality;

    @Option(names = "--encoder", paramLabel = "NAME", defaultValue = "auto", converter = Converters.Backend.class,
            description = "native (libmp3lame), java (jump3r, nothing to install) or auto; default ${DEFAULT-VALUE}")
    private EncoderBackend backend;

    /**
     * The settings the options give, with {@code stereoMode}.
     *
     * @throws ParameterException for {@code --bitrate} with {@code --vbr}, and values out of range
     */
    EncoderSettings settings(StereoMode stereoMode) {
        if (bitrateKbps != null && vbrQuality != null) {
            throw Usage.error(command.commandLine(), "--bitrate and --vbr exclude each other: give one");
        }
        EncoderSettings s = EncoderSettings.DEFAULT.withBackend(backend).withStereoMode(stereoMode);
        EncoderSettings q = lameQuality == null ? s : checked("--quality", () -> s.withLameQuality(lameQuality));
        EncoderSettings b = bitrateKbps == null ? q : checked("--bitrate", () -> q.withBitrateKbps(bitrateKbps));
        return vbrQuality == null ? b : checked("--vbr", () -> b.withVbrQuality(vbrQuality));
    }

    /**
     * The options given, as an mp3cast server's ingest reads them from a push's query
     * ({@code bitrate}, {@code vbr}, {@code quality}): a mount the push creates encodes with them.
     */
    Map<String, String> asQuery() {
        Map<String, String> query = new LinkedHashMap<>();
        if (bitrateKbps != null) {
            query.put("bitrate", bitrateKbps.toString());
        }
        if (vbrQuality != null) {
            query.put("vbr", vbrQuality.toString());
        }
        if (lameQuality != null) {
            query.put("quality", lameQuality.toString());
        }
        return query;
    }

    /**
     * Opens an encoder for {@code format}; rejections that depend on the input (a bitrate its MPEG
     * version lacks) are still usage errors.
     *
     * @throws CliException when the native encoder was asked for and did not load
     */
    Mp3Encoder open(PcmFormat format, EncoderSettings settings) throws CliException {
        if (Mp3Encoder.resolveBackend(settings.backend()) == EncoderBackend.NATIVE
                && !Mp3Encoder.nativeLoadFailure().isEmpty()) {
            throw CliException.badInput("the native encoder did not load (" + Mp3Encoder.nativeLoadFailure()
                    + "); install libmp3lame0, or use --encoder java", null);
        }
        try {
            return Mp3Encoder.open(format, settings);
        } catch (IllegalArgumentException e) {
            throw Usage.error(command.commandLine(), e.getMessage() + " (input: " + format + ")");
        }
    }

    private <T> T checked(String option, Supplier<T> value) {
        return Usage.checked(command.commandLine(), option, value);
    }
}
