package io.mp3cast.cli;

import io.mp3cast.server.ConnectionLimits;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.MasterSettings;
import io.mp3cast.server.Mount;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.server.Mp3CastServer;
import io.mp3cast.server.TlsSettings;
import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mp3cast serve}: live mounts and per-request streams over HTTP until SIGTERM or Ctrl-C.
 *
 * <p>Settings come from flags, then the config file ({@code --config}, Java properties), then
 * defaults. Without any mount, {@code /stream.mp3} plays a built-in chirp (a tone sweeping 200-2000 Hz every 5 s) as a demo. On SIGTERM
 * the shutdown hook closes the server: listeners' responses end, encoders are freed.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve live mounts and per-request streams as MP3 over HTTP.",
        footer = {"", "Mount spec: /PATH=SOURCE[:KEY=VALUE,...], sources tone, noise, chirp, silence, file, push, relay.",
                "  --mount /tone.mp3=tone:hz=440,rate=24000,bitrate=64",
                "  --mount /live.mp3=push:bitrate=64,fallback=/stream.mp3",
                "  --mount /live.mp3=push:relay-to=icecast://source:hackme@icecast.example:8000/live.mp3",
                "  --mount /news.mp3=relay:url=http://icecast.example:8000/news.mp3,on-demand=true",
                "  --mount /world.mp3=relay:url=https://radio.example/world.mp3",
                "  --mount /radio.mp3=chirp:from=200,to=2000,period=5,name=Radio,burst-ms=2000",
                "  --mount /music.mp3=file:path=music.wav,loop=true,bitrate=128"})
final class ServeCommand implements Callable<Integer> {
    static final String DEMO_MOUNT = "/stream.mp3=chirp:name=mp3cast demo,title=A chirp sweeping 200 to 2000 Hz";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8000; 0 picks a free one and prints it).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default 0.0.0.0).")
    String host;

    @Option(names = "--mount", paramLabel = "/PATH=SOURCE[:K=V,...]", description = "A live mount (repeatable).")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with these settings and mount./PATH=SPEC lines.")
    Path config;

    @Option(names = "--encoder", paramLabel = "native|java|auto", description = "MP3 encoder backend (default auto).")
    String encoder;

    @Option(names = "--burst-ms", paramLabel = "MS", description = "Audio a new listener gets at once (default 1000).")
    Integer burstMillis;

    @Option(names = "--queue-ms", paramLabel = "MS", description = "How far a listener may fall behind before it is dropped (default 10000).")
    Integer queueMillis;

    @Option(names = "--batch-ms", paramLabel = "MS", description = "Audio per write to each listener (default 100; 0 = every frame).")
    Integer batchMillis;

    @Option(names = "--hls-segment-ms", paramLabel = "MS", description = "Audio per HLS segment (default 2000).")
    Integer hlsSegmentMillis;

    @Option(names = "--hls-window", paramLabel = "N", description = "Segments in each HLS playlist (default 6).")
    Integer hlsWindowSegments;

    @Option(names = "--hls-part-ms", paramLabel = "MS",
            description = "Low-latency HLS: parts of about MS (100 to half a segment; default 0, none).")
    Integer hlsPartMillis;

    @Option(names = "--max-streams", paramLabel = "N", description = "Per-request streams allowed at once; more get 503 (default 256).")
    Integer maxStreams;

    @Option(names = "--admin-password", paramLabel = "PASSWORD",
            description = "Password for /admin calls, user admin (default: $MP3CAST_ADMIN_PASSWORD, else a random one, printed).")
    String adminPassword;

    @Option(names = "--source-password", paramLabel = "PASSWORD",
            description = "Password sources push with, user source (default: $MP3CAST_SOURCE_PASSWORD; without one,"
                    + " only this machine may push).")
    String sourcePassword;

    @Option(names = "--create-mounts", negatable = true, paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Whether a source may push to a new path, creating its mount (default true).")
    Boolean createMounts;

    @Option(names = "--takeover", negatable = true, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Whether a second source on a mount replaces the first (default false: it gets 403).")
    Boolean takeover;

    @Option(names = "--buffer-ms", paramLabel = "MS",
            description = "Audio a source may push ahead of real time before its upload is slowed (default 10000).")
    Integer bufferMillis;

    @Option(names = "--fallback-mount", paramLabel = "/PATH",
            description = "What push mounts play while no producer is connected (default: silence).")
    String fallbackMount;

    @Option(names = "--max-mounts", paramLabel = "N", description = "Mounts allowed in all, created ones included (default 64).")
    Integer maxMounts;

    @Option(names = "--idle-mount-ms", paramLabel = "MS",
            description = "A mount a producer created goes away after this long with no producer and no listener"
                    + " (default 60000); configured mounts stay.")
    Integer idleMountMillis;

    @Option(names = "--max-body-kbps", paramLabel = "KBPS",
            description = "The fastest a producer's upload is read, kilobits per second (default 50000; 0: no limit).")
    Integer maxBodyKbps;

    @Option(names = "--allowed-origins", paramLabel = "ORIGIN[,ORIGIN...]", split = ",",
            description = "Web origins whose pages may push (default: none; * for any). A push carrying another"
                    + " Origin gets 403.")
    List<String> allowedOrigins;

    @Option(names = "--header-timeout-ms", paramLabel = "MS",
            description = "Time from a request's first byte to the end of its head (default 10000); then 408.")
    Integer headerTimeoutMillis;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS",
            description = "Time a connection may stay open without sending a request (default 10000).")
    Integer idleTimeoutMillis;

    @Option(names = "--write-timeout-ms", paramLabel = "MS",
            description = "Time a per-request stream waits for a client that takes no bytes (default 10000); then it is closed.")
    Integer writeTimeoutMillis;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections open at once in all (default: the open-file limit less a reserve); more get 503.")
    Integer maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            description = "Connections open at once from one address (default 1000; 0: no limit, as behind a proxy); more get 503.")
    Integer maxConnectionsPerIp;

    @Option(names = "--relay-user", paramLabel = "NAME",
            description = "User Icecast slaves read /admin/streamlist.txt as (default relay).")
    String relayUser;

    @Option(names = "--relay-password", paramLabel = "PASSWORD",
            description = "Their password (default: $MP3CAST_RELAY_PASSWORD; without one, only the admin may read the list).")
    String relayPassword;

    @Option(names = "--drain-ms", paramLabel = "MS",
            description = "On SIGTERM, how long producers' buffers and per-request streams may play out before listeners'"
                    + " responses end (default 15000).")
    Integer drainMillis;

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "Append one line per request and per listener session (Icecast's combined format) to FILE, or stdout.")
    String accessLog;

    @Option(names = "--metrics", negatable = true, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Serve /metrics in Prometheus's format, to loopback or the admin password (default true).")
    Boolean metrics;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain for HTTPS and WSS (with --tls-key); reloaded when it changes.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "A port of its own for HTTPS (default: HTTPS and HTTP share --port).")
    Integer tlsPort;

    /** What {@link #start()} ran with. */
    private Settings settings;

    @Override
    public Integer call() throws Exception {
        // The hook goes in first: a SIGTERM while the server starts must not find it missing.
        AtomicReference<Mp3CastServer> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Mp3CastServer server = running.get();
            if (server == null) {
                return;  // stopped while starting: nothing to drain
            }
            boolean clean = server.drain(Duration.ofMillis(settings.drainMillis));
            stopped.countDown();
            // The JVM would exit with 143 after SIGTERM; a clean drain is a clean exit.
            Runtime.getRuntime().halt(clean ? 0 : 1);
        }, "mp3cast-shutdown"));
        try {
            running.set(start());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (IOException e) {
            spec.commandLine().getErr().println("mp3cast serve: " + e.getMessage());
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** Builds and starts the server from the options, prints where it listens, and returns it. */
    public Mp3CastServer start() throws IOException {
        Properties file = config == null ? new Properties() : load(config);
        Settings s = Settings.from(this, file);
        settings = s;
        Mp3CastServer.Builder builder = Mp3CastServer.builder().host(s.host).port(s.port).adminPassword(s.adminPassword)
                .maxOpenStreams(s.maxStreams).limits(s.limits)
                .ingest(s.ingest).mountDefaults(s.mountDefaults).encoderDefaults(s.encoderDefaults).master(s.master);
        if (s.accessLog != null) {
            builder.accessLog(s.accessLog);
        }
        if (s.metrics) {
            builder.metrics(Metrics.prometheus());
        }
        if (s.tls != null) {
            builder.tls(s.tls);
        }
        List<MountSpecs.Spec> parsed = new ArrayList<>();
        for (String m : s.mounts) {
            parsed.add(MountSpecs.parse(m, s.mountDefaults, s.encoderDefaults));
        }
        for (MountSpecs.Spec m : parsed) {
            if (m.isRelay()) {
                builder.relayMount(m.config(), m.upstream(), m.fallback());
            } else if (m.isPush()) {
                builder.pushMount(m.config(), m.encoder(), m.fallback());
            } else {
                builder.mount(m.config(), m.source().source(), m.encoder(), m.source().description(), m.onDemand());
            }
            m.relayTo().forEach(target -> builder.relayTo(m.config().path(), target));
        }
        if (s.demoRoutes) {
            builder.demoRoutes();
        }
        Mp3CastServer server = builder.start();
        for (MountSpecs.Spec m : parsed) {
            if (!m.title().isEmpty()) {
                server.mount(m.config().path()).setTitle(m.title());
            }
        }
        printBanner(server, s);
        return server;
    }

    private void printBanner(Mp3CastServer server, Settings s) {
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        String shown = s.host.equals("0.0.0.0") ? "localhost" : s.host;
        out.println("mp3cast serving on http://" + shown + ":" + server.port() + "/");
        for (Mount m : server.mounts()) {
            String base = "http://" + shown + ":" + server.port();
            String kind = m.upstream().isPresent() ? "  relay " : m.playoutState().isPresent() ? "  push  " : "  live  ";
            out.println(kind + base + m.path() + m.upstream().map(u -> " <- " + u.url()).orElse("")
                    + "  (HLS: " + base + m.hlsPlaylistPath() + ")");
            m.relays().forEach(r -> out.println("        -> " + r.url()));
        }
        out.println("  producers push to http://" + shown + ":" + server.port() + "/PATH.mp3?format=f32le&rate=24000"
                + (s.ingest.sourcePassword() == null ? " (no source password: from this machine only)" : " (user source)"));
        if (s.master.relayPassword() != null) {
            out.println("  Icecast slaves relay every mount: <master-server> with user " + s.master.relayUser());
        }
        if (s.tls != null) {
            out.println("  https on https://" + shown + ":" + server.tlsPort() + "/ (wss:// for producers)");
        }
        if (s.metrics) {
            out.println("  metrics at /metrics (from this machine, or user admin), health at /healthz and /readyz");
        }
        if (s.generatedPassword) {
            out.println("  admin password (generated): " + s.adminPassword);
        }
        out.flush();
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** The effective settings: a flag wins over the file, the file over the default. */
    static final class Settings {
        String host;
        int port;
        long drainMillis;
        String accessLog;
        boolean metrics;
        TlsSettings tls;
        String adminPassword;
        boolean generatedPassword;
        boolean demoRoutes;
        int maxStreams;
        ConnectionLimits limits;
        List<String> mounts = new ArrayList<>();
        IngestSettings ingest;
        MasterSettings master;
        MountConfig mountDefaults;
        EncoderSettings encoderDefaults;

        static Settings from(ServeCommand c, Properties file) {
            Map<String, String> f = new LinkedHashMap<>();
            file.stringPropertyNames().forEach(k -> f.put(k.trim(), file.getProperty(k).trim()));
            Settings s = new Settings();
            s.host = text(c.host, f, "host", "0.0.0.0");
            s.port = number(c.port, f, "port", 8000);
            s.drainMillis = number(c.drainMillis, f, "drain-ms", 15000);
            if (s.drainMillis < 0 || s.drainMillis > 3_600_000) {
                throw new IllegalArgumentException("drain-ms not supported: " + s.drainMillis + " (0-3600000)");
            }
            s.accessLog = text(c.accessLog, f, "access-log", null);
            s.metrics = bool(c.metrics, f, "metrics", true);
            s.tls = tls(text(c.tlsCert, f, "tls-cert", null), text(c.tlsKey, f, "tls-key", null), text(c.tlsPort, f, "tls-port", null));
            String password = text(c.adminPassword, f, "admin-password", System.getenv("MP3CAST_ADMIN_PASSWORD"));
            s.generatedPassword = password == null;
            s.adminPassword = password == null ? randomPassword() : password;
            s.demoRoutes = Boolean.parseBoolean(text(null, f, "demo-routes", "true"));
            s.maxStreams = number(c.maxStreams, f, "max-streams", 256);
            EncoderBackend backend = EncoderBackend.parse(text(c.encoder, f, "encoder", "auto"));
            s.encoderDefaults = EncoderSettings.DEFAULT.withBackend(backend);
            MountConfig d = MountConfig.of("/default.mp3");
            s.mountDefaults = d.withBurstMillis(number(c.burstMillis, f, "burst-ms", d.burstMillis()))
                    .withQueueMillis(number(c.queueMillis, f, "queue-ms", d.queueMillis()))
                    .withBatchMillis(number(c.batchMillis, f, "batch-ms", d.batchMillis()))
                    .withHls(new HlsSettings(number(c.hlsSegmentMillis, f, "hls-segment-ms", d.hls().segmentMillis()),
                            number(c.hlsWindowSegments, f, "hls-window", d.hls().windowSegments()),
                            number(c.hlsPartMillis, f, "hls-part-ms", d.hls().partMillis())));
            s.ingest = ingest(c, f);
            s.limits = limits(c, f);
            s.master = new MasterSettings(text(c.relayUser, f, "relay-user", MasterSettings.DEFAULT.relayUser()),
                    text(c.relayPassword, f, "relay-password", System.getenv("MP3CAST_RELAY_PASSWORD")));
            for (String key : List.copyOf(f.keySet())) {
                if (key.startsWith("mount.")) {
                    s.mounts.add(key.substring(6) + "=" + f.remove(key));
                }
            }
            if (!f.isEmpty()) {
                throw new IllegalArgumentException("config: unknown key '" + f.keySet().iterator().next()
                        + "' (host, port, admin-password, encoder, burst-ms, queue-ms, batch-ms, hls-segment-ms, hls-window, hls-part-ms,"
                        + " max-streams, demo-routes,"
                        + " source-password, create-mounts, takeover, buffer-ms, fallback-mount, max-mounts, max-body-kbps,"
                        + " idle-mount-ms, drain-ms, access-log, metrics, tls-cert, tls-key, tls-port, allowed-origins,"
                        + " header-timeout-ms, idle-timeout-ms, write-timeout-ms, max-connections, max-connections-per-ip,"
                        + " relay-user, relay-password,"
                        + " mount./PATH)");
            }
            s.mounts.addAll(c.mounts);
            if (s.mounts.isEmpty()) {
                s.mounts.add(DEMO_MOUNT);
            }
            return s;
        }

        private static TlsSettings tls(String cert, String key, String port) {
            if (cert == null && key == null) {
                if (port != null) {
                    throw new IllegalArgumentException("tls-port: needs --tls-cert and --tls-key");
                }
                return null;
            }
            if (cert == null || key == null) {
                throw new IllegalArgumentException((cert == null ? "tls-cert" : "tls-key") + ": missing (HTTPS needs both"
                        + " --tls-cert and --tls-key)");
            }
            TlsSettings t = TlsSettings.of(Path.of(cert), Path.of(key));
            return port == null ? t : t.withPort(number("tls-port", port));
        }

        private static IngestSettings ingest(ServeCommand c, Map<String, String> f) {
            IngestSettings d = IngestSettings.DEFAULT;
            return new IngestSettings(
                    text(c.sourcePassword, f, "source-password", System.getenv("MP3CAST_SOURCE_PASSWORD")),
                    bool(c.createMounts, f, "create-mounts", d.createMounts()),
                    bool(c.takeover, f, "takeover", d.takeover()),
                    number(c.bufferMillis, f, "buffer-ms", d.bufferMillis()),
                    text(c.fallbackMount, f, "fallback-mount", null),
                    number(c.maxMounts, f, "max-mounts", d.maxMounts()),
                    number(c.maxBodyKbps, f, "max-body-kbps", d.maxBodyKbps()),
                    number(c.idleMountMillis, f, "idle-mount-ms", d.idleMountMillis()),
                    origins(c.allowedOrigins, f.remove("allowed-origins")));
        }

        private static List<String> origins(List<String> flag, String fromFile) {
            if (flag != null) {
                return flag.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
            }
            return fromFile == null ? List.of()
                    : java.util.Arrays.stream(fromFile.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
        }

        private static ConnectionLimits limits(ServeCommand c, Map<String, String> f) {
            ConnectionLimits d = ConnectionLimits.DEFAULT;
            return new ConnectionLimits(
                    number(c.headerTimeoutMillis, f, "header-timeout-ms", d.headerTimeoutMillis()),
                    number(c.idleTimeoutMillis, f, "idle-timeout-ms", d.idleTimeoutMillis()),
                    number(c.writeTimeoutMillis, f, "write-timeout-ms", d.writeTimeoutMillis()),
                    number(c.maxConnections, f, "max-connections", d.maxConnections()),
                    number(c.maxConnectionsPerIp, f, "max-connections-per-ip", d.maxConnectionsPerIp()));
        }

        /**
         * A setting's text: its flag's value if given, else the config file's (the key is used up either way, so
         * that what is left in {@code f} is unknown), else {@code fallback}.
         */
        private static String text(Object flag, Map<String, String> f, String key, String fallback) {
            String fromFile = f.remove(key);
            return flag != null ? flag.toString() : fromFile != null ? fromFile : fallback;
        }

        private static int number(Object flag, Map<String, String> f, String key, long fallback) {
            return number(key, text(flag, f, key, "" + fallback));
        }

        private static boolean bool(Object flag, Map<String, String> f, String key, boolean fallback) {
            return bool(key, text(flag, f, key, "" + fallback));
        }

        private static boolean bool(String name, String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException(name + ": not true or false: '" + value + "'");
            };
        }

        private static int number(String name, String value) {
            return io.mp3cast.spec.Params.wholeNumber(name, value);
        }

        private static String randomPassword() {
            SecureRandom r = new SecureRandom();
            StringBuilder sb = new StringBuilder();
            String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
            for (int i = 0; i < 16; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return sb.toString();
        }
    }
}
