package io.mp3cast.cli;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.StereoMode;
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
 * {@code mp3cast push URL [FILE]}: sends a WAV, raw PCM or MP3 to a server's live mount, streaming:
 * each block goes out as soon as it is read, so memory stays flat and an endless stdin is relayed
 * as it comes.
 *
 * <p><b>What goes out.</b> {@link PushTarget} asks the server who it is. An mp3cast server is sent
 * PCM as it is (it encodes it with the mount's encoder) and MP3 as frames, in a chunked {@code PUT}.
 * Any other server (Icecast) is sent MP3 only, in Icecast's source shape: PCM is encoded here by
 * one continuous encoder with {@code --bitrate}, {@code --vbr} and {@code --quality} ({@code --encode}
 * does that for mp3cast too), so no server is ever sent raw PCM that it would pass on as noise.
 *
 * <p><b>Pace.</b> mp3cast consumes a mount's audio at real time and TCP holds the sender back, so by
 * default it is sent as fast as the server takes it. Icecast takes all it is given, so for it the
 * sender paces itself, as libshout does: each block waits until its audio is due by the project's one
 * schedule ({@link Pace}, on a {@link Scheduler}'s clock), so it is at most one block ahead of real
 * time; {@code --realtime} and {@code --no-realtime} choose either way. Everything that can be checked
 * locally (options, the URL, the input's header) is checked before connecting, so a mistake never
 * takes a mount.
 *
 * <p><b>Title and reconnects.</b> {@code --title} is set through the server's {@code /admin/metadata}
 * once the upload runs ({@link TitleUpdate}), again after every reconnect. With {@code --reconnect}, a
 * connection that fails or breaks is made again with backoff ({@link Reconnects}) and the audio goes
 * on from where it was; an MP3 stream restarts on a frame boundary.
 */
@Command(name = "push", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Sends audio to a live mount of an mp3cast or Icecast server as it is read.", ""},
        footer = {"",
            "To mp3cast (its Server header says so), a WAV goes out as raw PCM in the format its",
            "header gives, and the server encodes it. To any other server (Icecast; an icecast://",
            "URL says so without asking), PCM is encoded to MP3 here (--bitrate, --quality), sent",
            "at real time in Icecast's source shape. MP3 (a .mp3 FILE, or --format mp3) goes out",
            "as audio/mpeg, whole frames only.",
            "The password comes from --password, the URL (http://source:PW@host/live)",
            "or $" + PushCommand.PASSWORD_VARIABLE + ", in that order.",
            "",
            "Exit codes: 0 sent, 1 bad input, 2 usage error, 3 refused by the server,",
            "4 server unreachable or connection lost.",
            "", "Examples:",
            "  mp3cast push http://localhost:8000/live speech.wav",
            "  mp3cast push --realtime http://localhost:8000/radio show.mp3",
            "  mp3cast push --title 'Live now' --reconnect icecast://source:hackme@localhost:8000/live.mp3 show.wav",
            "  synth | mp3cast push --format f32le --rate 24000 http://localhost:8000/live"})
final class PushCommand implements Callable<Integer> {
    static final String PASSWORD_VARIABLE = "MP3CAST_SOURCE_PASSWORD";
    private static final String DEFAULT_USER = "source";
    private static final long TITLE_WAIT_MILLIS = 5000;

    private final StdStreams io;
    private final Map<String, String> env;
    private final Supplier<Scheduler> clock;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", converter = Converters.Url.class,
            description = "the mount, as http://localhost:8000/live or icecast://source:PW@host:8000/live.mp3")
    private PushUrl url;

    @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", defaultValue = PcmInput.STDIN,
            description = "WAV (16-bit integer or 32-bit float PCM), raw PCM with --format, or MP3; "
                    + "- or none reads stdin")
    private String input;

    @Mixin
    private PcmOptions pcm;

    @Mixin
    private EncoderOptions encoderOptions;

    @Option(names = "--encode", description = "encode PCM to MP3 here for an mp3cast server too (always done for others)")
    private boolean encode;

    @Option(names = "--realtime", negatable = true,
            description = "send no faster than the audio plays; default: yes for Icecast and other servers, "
                    + "no for mp3cast (it takes audio at real time)")
    private Boolean realtime;

    @Option(names = "--reconnect", description = "when the connection fails or breaks, connect again "
            + "(after 1 s, 2 s, ... up to 30 s) and go on")
    private boolean reconnect;

    @Option(names = "--user", paramLabel = "NAME", description = "user for the password; default " + DEFAULT_USER)
    private String user;

    @Option(names = "--password", paramLabel = "PW", description = "the server's source password; default $"
            + PASSWORD_VARIABLE + ". None is needed from loopback when the server has none set")
    private String password;

    @Option(names = "--title", paramLabel = "TEXT", description = "the title players show (StreamTitle), set through "
            + "the server's /admin/metadata")
    private String title;

    @Option(names = "--name", paramLabel = "TEXT", description = "the stream's name, for listeners (ice-name)")
    private String streamName;

    @Option(names = "--description", paramLabel = "TEXT", description = "what the stream is (ice-description)")
    private String streamDescription;

    @Option(names = "--genre", paramLabel = "TEXT", description = "the stream's genre (ice-genre)")
    private String streamGenre;

    @Option(names = "--stream-url", paramLabel = "URL", description = "the stream's web page (ice-url)")
    private String streamUrl;

    @Option(names = "--public", description = "ask the server to list the stream in directories (ice-public: 1)")
    private boolean listed;

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
        if (mp3 && encode) {
            throw Usage.error(spec.commandLine(), "--encode: the input is MP3 already");
        }
        EncoderSettings encoderSettings = encoderOptions.settings(StereoMode.JOINT_STEREO);
        Optional<PcmFormat> rawFormat = pcm.rawFormat();
        Optional<String> secret = password();
        Map<String, String> headers = headers(secret);
        if (title != null) {
            checkHeaderText("--title", title);
        }
        Reconnects reconnects = new Reconnects(reconnect, Thread::sleep, this::say);
        try (Mp3Body mp3Body = mp3 ? Mp3Body.open(input, io.in()) : null;
             PcmInput pcmInput = mp3 ? null : PcmInput.open(input, rawFormat, io.in())) {
            PushTarget target = reconnects.call(() -> PushTarget.identify(url));
            boolean paced = realtime != null ? realtime : !target.isMp3cast();
            try (PushBody body = mp3 ? mp3Body.paced(paced) : pcmBody(pcmInput, paced, target, encoderSettings)) {
                push(body, target, headers, secret, paced, reconnects);
            }
        }
        return ExitCodes.OK;
    }

    private PushBody pcmBody(PcmInput in, boolean paced, PushTarget target, EncoderSettings settings)
            throws CliException {
        PcmBody raw = new PcmBody(in, paced);
        return target.isMp3cast() && !encode ? raw : new EncodedBody(raw, encoderOptions.open(in.format(), settings));
    }

    private void push(PushBody body, PushTarget target, Map<String, String> headers, Optional<String> secret,
                      boolean paced, Reconnects reconnects) throws IOException, CliException {
        String hint = unauthorizedHint(secret);
        Thread[] titleUpdate = new Thread[1];
        Reconnects.Attempt<Upload> opener = () -> {
            Upload upload = target.open(body, encoderOptions.asQuery(), headers, hint);
            if (title != null) {
                titleUpdate[0] = TitleUpdate.sendInBackground(url, Optional.ofNullable(headers.get("Authorization")),
                        title, w -> say("warning: " + w));
            }
            return upload;
        };
        Scheduler pacing = paced ? clock.get() : null;
        Sender sender = new Sender(reconnects.call(opener), opener, reconnects, pacing, progressFor(body));
        try (pacing) {
            sender.sendAll(body);
            String answer = sender.finish();
            if (titleUpdate[0] != null) {
                titleUpdate[0].join(TITLE_WAIT_MILLIS);  // a short push may end before its title is set
            }
            report(body, target, sender, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sender.close();
        }
    }

    private void say(String line) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + line);
        err.flush();
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
        putText(headers, "ice-url", "--stream-url", streamUrl);
        headers.put("ice-public", listed ? "1" : "0");
        return headers;
    }

    /**
     * Header values go out in the JVM's default charset, which is UTF-8 from Java 18 on and in UTF-8
     * locales, as Icecast expects; line breaks would end the header, so they are refused.
     */
    private void putText(Map<String, String> headers, String header, String option, String value) {
        if (value != null) {
            checkHeaderText(option, value);
            headers.put(header, value);
        }
    }

    private void checkHeaderText(String option, String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new ParameterException(spec.commandLine(), "invalid value for " + option
                    + ": line breaks and control characters cannot go in an HTTP header");
        }
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

    private void report(PushBody body, PushTarget target, Sender sender, String answer) {
        PrintWriter err = spec.commandLine().getErr();
        body.warnings().forEach(w -> err.println(spec.qualifiedName() + ": warning: " + w));
        if (io.interactive()) {
            double seconds = sender.sentNanos() / 1e9;
            double elapsed = sender.elapsedNanos() / 1e9;
            err.printf(Locale.ROOT, "%s -> %s (%s): %.1f s of %s in %.1f s (%.1fx)%s; %s%n", body.name(),
                    url.display(), target.server(), seconds, body.describe(), elapsed, seconds / Math.max(elapsed, 1e-3),
                    sender.reconnects() > 0 ? ", " + sender.reconnects() + " reconnects" : "", answer);
        }
    }

    /**
     * Hands each block to the upload, paced if asked, and counts what went. A write that fails is
     * retried on a new connection when {@code --reconnect} allows; the pace restarts from there.
     */
    private static final class Sender implements PushBody.BlockSink {
        private final Reconnects.Attempt<Upload> opener;
        private final Reconnects reconnects;
        private final Scheduler clock;
        private final Progress progress;
        private final long startNanos = System.nanoTime();
        private Upload upload;
        /** Nanoseconds of audio; made at the first block (after a reconnect: anew), whose audio is due then. */
        private Pace pace;
        private long sentNanos;
        private int reconnectCount;

        /** @param clock the clock to pace by, or null to send as fast as the server takes it */
        Sender(Upload upload, Reconnects.Attempt<Upload> opener, Reconnects reconnects, Scheduler clock, Progress progress) {
            this.upload = upload;
            this.opener = opener;
            this.reconnects = reconnects;
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
            while (true) {
                try {
                    upload.write(block, offset, length);
                    break;
                } catch (CliException e) {
                    upload.close();
                    reconnects.waitBeforeRetry(e);
                    upload = reconnects.call(opener);
                    reconnectCount++;
                    pace = null;  // after a reconnect nothing is owed: the schedule starts again
                }
            }
            progress.advance(endNanos / 1000 - sentNanos / 1000);
            sentNanos = endNanos;
        }

        String finish() throws CliException {
            return upload.finish();
        }

        void close() {
            upload.close();
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

        int reconnects() {
            return reconnectCount;
        }

        long elapsedNanos() {
            return System.nanoTime() - startNanos;
        }
    }
}
