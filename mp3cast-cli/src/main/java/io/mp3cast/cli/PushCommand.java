package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.time.Pace;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mp3cast push URL [FILE]}: sends a WAV, raw PCM or MP3 to a server's live mount as an HTTP
 * {@code PUT}, streaming: each block goes out as soon as it is read, so memory stays flat and an
 * endless stdin is relayed as it comes.
 *
 * <p>By default it sends as fast as the server takes it: a live mount consumes audio at real time
 * and TCP holds the sender back. {@code --realtime} paces the sender itself, for servers that take
 * all they are given: each block waits until its audio is due by the project's one schedule
 * ({@link Pace}, on a {@link Scheduler}'s clock), so the sender is at most one block ahead of real
 * time, time spent sending does not add up into drift, and a sender that fell behind (a slow
 * network) is not held back. Everything that can be checked locally (options, the URL,
 * the input's header) is checked before connecting, so a mistake never takes a mount.
 */
@Command(name = "push", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Sends audio to a live mount of an mp3cast or Icecast server as it is read.", ""},
        footer = {"",
            "A WAV goes out as raw PCM in the format its header gives; MP3 (a .mp3 FILE,",
            "or --format mp3) goes out as audio/mpeg, whole frames only.",
            "The password comes from --password, the URL (http://source:PW@host/live)",
            "or $" + PushCommand.PASSWORD_VARIABLE + ", in that order.",
            "",
            "Exit codes: 0 sent, 1 bad input, 2 usage error, 3 refused by the server,",
            "4 server unreachable or connection lost.",
            "", "Examples:",
            "  mp3cast push http://localhost:8000/live speech.wav",
            "  mp3cast push --realtime http://localhost:8000/radio show.mp3",
            "  synth | mp3cast push --format f32le --rate 24000 http://localhost:8000/live"})
final class PushCommand implements Callable<Integer> {
    static final String PASSWORD_VARIABLE = "MP3CAST_SOURCE_PASSWORD";
    private static final String DEFAULT_USER = "source";

    private final StdStreams io;
    private final Map<String, String> env;
    private final Supplier<Scheduler> clock;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", converter = Converters.Url.class,
            description = "the mount, as http://localhost:8000/live")
    private PushUrl url;

    @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", defaultValue = PcmInput.STDIN,
            description = "WAV (16-bit integer or 32-bit float PCM), raw PCM with --format, or MP3; "
                    + "- or none reads stdin")
    private String input;

    @Mixin
    private PcmOptions pcm;

    @Option(names = "--realtime",
            description = "send no faster than the audio plays; default: as fast as the server takes it")
    private boolean realtime;

    @Option(names = "--user", paramLabel = "NAME", description = "user for the password; default " + DEFAULT_USER)
    private String user;

    @Option(names = "--password", paramLabel = "PW", description = "the server's source password; default $"
            + PASSWORD_VARIABLE + ". None is needed from loopback when the server has none set")
    private String password;

    @Option(names = "--name", paramLabel = "TEXT", description = "the stream's name, for listeners (ice-name)")
    private String streamName;

    @Option(names = "--description", paramLabel = "TEXT", description = "what the stream is (ice-description)")
    private String streamDescription;

    @Option(names = "--genre", paramLabel = "TEXT", description = "the stream's genre (ice-genre)")
    private String streamGenre;

    /**
     * @param env   the environment, where the password may be
     * @param clock makes the clock {@code --realtime} paces by; the command closes it when done
     */
    PushCommand(StdStreams io, Map<String, String> env, Supplier<Scheduler> clock) {
        this.io = io;
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException, CliException {
        boolean mp3 = pcm.isMp3() || (!pcm.hasFormat() && input.toLowerCase(Locale.ROOT).endsWith(".mp3"));
        Optional<PcmFormat> rawFormat = pcm.rawFormat();
        Optional<String> secret = password();
        Map<String, String> headers = headers(secret);
        try (PushBody body = mp3 ? Mp3Body.open(input, io.in(), realtime)
                : new PcmBody(PcmInput.open(input, rawFormat, io.in()), realtime)) {
            headers.put("Content-Type", body.contentType());
            try (PushUpload upload = PushUpload.start(url.withQuery(body.formatQuery()), url, headers,
                    unauthorizedHint(secret));
                 Scheduler pacing = realtime ? clock.get() : null) {
                Sender sender = new Sender(upload, pacing, progressFor(body));
                sender.sendAll(body);
                String answer = upload.finish();
                report(body, sender, answer);
            }
        }
        return ExitCodes.OK;
    }

    /** {@code --password}, else the URL's, else the environment's; none at all is fine on loopback. */
    private Optional<String> password() {
        return Optional.ofNullable(password).or(url::password)
                .or(() -> Optional.ofNullable(env.get(PASSWORD_VARIABLE)).filter(p -> !p.isEmpty()));
    }

    private String userName() {
        return user != null ? user : url.user().orElse(DEFAULT_USER);
    }

    private Map<String, String> headers(Optional<String> secret) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "mp3cast/" + Version.projectVersion());
        headers.put("Accept", "*/*"); // instead of HttpURLConnection's list of image types
        secret.ifPresent(p -> headers.put("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((userName() + ":" + p).getBytes(StandardCharsets.UTF_8))));
        putText(headers, "ice-name", "--name", streamName);
        putText(headers, "ice-description", "--description", streamDescription);
        putText(headers, "ice-genre", "--genre", streamGenre);
        return headers;
    }

    /**
     * Header values go out in the JVM's default charset, which is UTF-8 from Java 18 on and in UTF-8
     * locales, as Icecast expects; line breaks would end the header, so they are refused.
     */
    private void putText(Map<String, String> headers, String header, String option, String value) {
        if (value == null) {
            return;
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option
                    + ": line breaks and control characters cannot go in an HTTP header");
        }
        headers.put(header, value);
    }

    private String unauthorizedHint(Optional<String> secret) {
        return secret.isPresent() ? "check the password of user '" + userName() + "'"
                : "no password given: use --password or $" + PASSWORD_VARIABLE;
    }

    private Progress progressFor(PushBody body) {
        if (!io.interactive()) {
            return Progress.NONE;
        }
        long total = body.durationNanos() == PushBody.UNKNOWN_DURATION ? ProgressBar.UNKNOWN_TOTAL
                : body.durationNanos() / 1000;
        return new ProgressBar(io.err(), total, 1e6, System::nanoTime);
    }

    private void report(PushBody body, Sender sender, String answer) {
        PrintWriter err = spec.commandLine().getErr();
        body.warnings().forEach(w -> err.println(spec.qualifiedName() + ": warning: " + w));
        if (io.interactive()) {
            double seconds = sender.sentNanos() / 1e9;
            double elapsed = sender.elapsedNanos() / 1e9;
            err.printf(Locale.ROOT, "%s -> %s: %.1f s of %s in %.1f s (%.1fx); %s%n", body.name(), url.display(),
                    seconds, body.describe(), elapsed, seconds / Math.max(elapsed, 1e-3), answer);
        }
    }

    /** Hands each block to the upload, paced if asked, and counts what went. */
    private static final class Sender implements PushBody.BlockSink {
        private final PushUpload upload;
        private final Scheduler clock;
        private final Progress progress;
        private final long startNanos = System.nanoTime();
        /** Nanoseconds of audio; made at the first block, whose audio is due then, wherever it starts. */
        private Pace pace;
        private long sentNanos;

        /** @param clock the clock to pace by, or null to send as fast as the server takes it */
        Sender(PushUpload upload, Scheduler clock, Progress progress) {
            this.upload = upload;
            this.clock = clock;
            this.progress = progress;
        }

        void sendAll(PushBody body) throws IOException, CliException {
            try {
                body.transferTo(this);
            } finally {
                progress.done(); // an error message must not land at the end of a half-drawn bar
            }
        }

        @Override
        public void accept(byte[] block, int offset, int length, long startNanos, long endNanos)
                throws IOException, CliException {
            if (clock != null) {
                awaitAudioAt(startNanos);
            }
            upload.write(block, offset, length);
            progress.advance(endNanos / 1000 - sentNanos / 1000);
            sentNanos = endNanos;
        }

        /** Waits until audio that starts {@code audioNanos} into the stream is due. */
        private void awaitAudioAt(long audioNanos) throws InterruptedIOException {
            if (pace == null) {
                pace = new Pace(Pace.NANOS, clock.nanoTime() - audioNanos);
            }
            try {
                clock.sleepUntil(pace.dueNanos(audioNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the upload");
            }
        }

        long sentNanos() {
            return sentNanos;
        }

        long elapsedNanos() {
            return System.nanoTime() - startNanos;
        }
    }
}
