package io.mp3cast.cli;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.mp3.StereoMode;
import io.mp3cast.pcm.PcmFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mp3cast encode IN OUT}: a WAV file or raw PCM to MP3 through one continuous encoder.
 *
 * <p>Input is read and encoded in 64 KiB blocks, so memory stays flat for any length and a live
 * pipe ({@code synth | mp3cast encode ... - - | player}) is encoded as it arrives. The input is
 * opened and checked before the output is created, so a bad input never clobbers an existing file.
 */
@Command(name = "encode", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Encodes a WAV file or raw PCM to MP3.", ""},
        footer = {"", "Examples:",
            "  mp3cast encode speech.wav speech.mp3",
            "  mp3cast encode --vbr 2 music.wav music.mp3",
            "  synth | mp3cast encode --format f32le --rate 24000 - - | mpg123 -"})
final class EncodeCommand implements Callable<Integer> {
    private static final int BLOCK_BYTES = 64 * 1024;
    private static final String STDIO = "-";

    private final StdStreams io;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN",
            description = "WAV (16-bit integer or 32-bit float PCM), or raw PCM with --format; - reads stdin")
    private String input;

    @Parameters(index = "1", paramLabel = "OUT", description = "MP3 to write; - writes stdout")
    private String output;

    @Mixin
    private PcmOptions pcm;

    @Mixin
    private EncoderOptions encoderOptions;

    @Option(names = "--mono", description = "mix two channels down to one")
    private boolean mono;

    @Option(names = "--stereo-mode", paramLabel = "MODE", converter = Converters.Stereo.class,
            description = "how two channels are coded: joint (default), stereo or mono")
    private StereoMode stereoMode;

    EncodeCommand(StdStreams io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException, CliException {
        EncoderSettings settings = settings();
        Optional<PcmFormat> rawFormat = rawFormat();
        try (PcmInput in = PcmInput.open(input, rawFormat, io.in()); Mp3Encoder encoder = encoderOptions.open(in.format(), settings)) {
            encode(in, encoder);
        }
        return ExitCodes.OK;
    }

    private EncoderSettings settings() {
        if (mono && stereoMode != null && stereoMode != StereoMode.MONO) {
            throw usage("--mono contradicts --stereo-mode " + stereoMode.name().toLowerCase(Locale.ROOT));
        }
        return encoderOptions.settings(mono ? StereoMode.MONO : stereoMode != null ? stereoMode : StereoMode.JOINT_STEREO);
    }

    private Optional<PcmFormat> rawFormat() {
        if (pcm.isMp3()) {
            throw usage("--format mp3: encode reads PCM (a WAV, or f32le, s16le or s16be); this input is MP3 already");
        }
        Optional<PcmFormat> rawFormat = pcm.rawFormat();
        if (!STDIO.equals(input) && !STDIO.equals(output) && isSameFile(Path.of(input), Path.of(output))) {
            throw usage("IN and OUT are the same file: " + output);
        }
        return rawFormat;
    }

    private void encode(PcmInput in, Mp3Encoder encoder) throws IOException {
        Mp3Output out = STDIO.equals(output) ? Mp3Output.stdout(io.out()) : Mp3Output.file(Path.of(output));
        boolean complete = false;
        try {
            long readBytes = pump(in, encoder, out);
            encoder.finish(out);
            out.close();
            complete = true;
            report(in, encoder, out, readBytes);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (!complete) {
                out.discard();
            }
        }
    }

    /** Reads and encodes block by block; returns the bytes of audio read. */
    private long pump(PcmInput in, Mp3Encoder encoder, Mp3Output out) throws IOException {
        Progress progress = progressFor(in);
        byte[] block = new byte[BLOCK_BYTES];
        long left = in.isLengthKnown() ? in.dataBytes() : Long.MAX_VALUE;
        long total = 0;
        int n;
        try {
            while (left > 0 && (n = in.stream().read(block, 0, (int) Math.min(block.length, left))) > 0) {
                encoder.encode(ByteBuffer.wrap(block, 0, n), out);
                out.endOfBlock();
                left -= n;
                total += n;
                progress.advance(n);
            }
        } finally {
            progress.done(); // an error message must not land at the end of a half-drawn bar
        }
        return total;
    }

    private Progress progressFor(PcmInput in) {
        if (!io.interactive() || !in.isRegularFile() || !in.isLengthKnown() || in.dataBytes() == 0) {
            return Progress.NONE;
        }
        return new ProgressBar(io.err(), in.dataBytes(), in.bytesPerSecond(), System::nanoTime);
    }

    private void report(PcmInput in, Mp3Encoder encoder, Mp3Output out, long readBytes) {
        PrintWriter err = spec.commandLine().getErr();
        warnings(in, encoder, readBytes).forEach(w -> err.println(spec.qualifiedName() + ": warning: " + w));
        if (io.interactive()) {
            err.printf(Locale.ROOT, "%s -> %s: %.1f s of %s, %s, %d KiB%n", in.name(), out.name(),
                    readBytes / in.bytesPerSecond(), in.format(), describe(encoder), out.bytes() / 1024);
        }
    }

    /** The encode succeeded, but the input was not quite what it claimed: worth a line each. */
    private static List<String> warnings(PcmInput in, Mp3Encoder encoder, long readBytes) {
        List<String> warnings = new ArrayList<>();
        if (in.isLengthKnown() && readBytes < in.dataBytes()) {
            warnings.add(in.name() + " ended after " + readBytes + " of " + in.dataBytes()
                    + " data bytes (truncated?); encoded what was there");
        }
        if (readBytes % in.format().bytesPerFrame() != 0) {
            warnings.add(in.name() + " ended inside a sample frame; its last "
                    + readBytes % in.format().bytesPerFrame() + " bytes were not encoded");
        }
        if (encoder.clippedSamples() > 0) {
            warnings.add("samples outside [-1, 1], clipped: " + encoder.clippedSamples());
        }
        if (encoder.nonFiniteSamples() > 0) {
            warnings.add("samples NaN or infinite, encoded as silence: " + encoder.nonFiniteSamples());
        }
        return warnings;
    }

    private String describe(Mp3Encoder encoder) {
        EncoderSettings s = encoder.settings();
        String rate = s.isVbr() ? "VBR quality " + s.vbrQuality() : encoder.bitrateKbps() + " kbps";
        return rate + " (" + encoder.backend().name().toLowerCase(Locale.ROOT) + " encoder)";
    }

    private ParameterException usage(String message) {
        return Usage.error(spec.commandLine(), message);
    }

    /** A guard, not a read: if the check itself fails, opening the files reports the real problem. */
    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
