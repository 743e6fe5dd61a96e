package io.mp3cast.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code icecast2} run by a test: a config written here (127.0.0.1, a free port, short
 * timeouts), logs to a file in the test's directory, killed and restarted on the same port at will.
 * Missing {@code /usr/bin/icecast2} skips the test, saying so; with {@code CI} set it fails it
 * ({@code .ci/run} installs the package).
 *
 * <p>Icecast refuses to run as root: then the config makes it drop to {@code nobody}, and it writes
 * nothing but to stderr, which the log file takes.
 */
public final class Icecast implements AutoCloseable {
    public static final String SOURCE_PASSWORD = "hackme";
    /** The same as the source password, as {@link RealIcecast}'s callers expect. */
    public static final String ADMIN_PASSWORD = SOURCE_PASSWORD;
    public static final String RELAY_PASSWORD = "ice-relay";
    private static final String BINARY = "/usr/bin/icecast2";
    private static final long START_MILLIS = 10_000;

    private final String binary;
    private final Path dir;
    private final Path config;
    private final int port;
    private Process process;
    private int starts;

    private Icecast(String binary, Path dir, Path config, int port) {
        this.binary = binary;
        this.dir = dir;
        this.config = config;
        this.port = port;
    }

    /** Skips (or, under CI, fails) the calling test when Icecast is not installed. */
    public static String require() {
        return Tools.require(BINARY, "icecast2");
    }

    /**
     * Writes a config into {@code dir} and starts Icecast with it.
     *
     * @param extraXml elements for the {@code <icecast>} root: {@code <mount>}, {@code <relay>}, master settings
     * @param burstBytes what a new listener gets at once (Icecast's default is 65536)
     */
    public static Icecast start(Path dir, String extraXml, int burstBytes) throws IOException, InterruptedException {
        return start(dir, freePort(), extraXml, burstBytes);
    }

    /** As {@link #start(Path, String, int)}, on {@code port}; an {@code <authentication>} in {@code extraXml} replaces the test's. */
    public static Icecast start(Path dir, int port, String extraXml, int burstBytes) throws IOException, InterruptedException {
        String binary = require();
        Path config = dir.resolve("icecast.xml");
        Files.writeString(config, config(dir, port, extraXml, burstBytes));
        Icecast ice = new Icecast(binary, dir, config, port);
        ice.startProcess();
        return ice;
    }

    public static Icecast start(Path dir) throws IOException, InterruptedException {
        return start(dir, "", 65536);
    }

    private static String config(Path dir, int port, String extraXml, int burstBytes) throws IOException {
        return "<icecast>\n"
                + "  <location>mp3cast tests</location><admin>tests@localhost</admin>\n"
                + "  <limits><clients>200</clients><sources>20</sources><queue-size>524288</queue-size>"
                + "<client-timeout>30</client-timeout><header-timeout>15</header-timeout>"
                + "<source-timeout>10</source-timeout><burst-size>" + burstBytes + "</burst-size></limits>\n"
                + (extraXml.contains("<authentication>") ? "" : "  <authentication><source-password>" + SOURCE_PASSWORD
                + "</source-password><relay-user>relay</relay-user><relay-password>" + RELAY_PASSWORD + "</relay-password>"
                + "<admin-user>admin</admin-user><admin-password>" + ADMIN_PASSWORD + "</admin-password></authentication>\n")
                + "  <hostname>127.0.0.1</hostname>\n"
                + "  <listen-socket><port>" + port + "</port><bind-address>127.0.0.1</bind-address></listen-socket>\n"
                + extraXml + "\n"
                + "  <fileserve>1</fileserve>\n"
                + "  <paths><basedir>" + dir + "</basedir><logdir>" + dir + "</logdir>"
                + "<webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>\n"
                + "  <logging><accesslog>-</accesslog><errorlog>-</errorlog><loglevel>3</loglevel></logging>\n"
                + "  <security><chroot>0</chroot>" + (isRoot()
                ? "<changeowner><user>nobody</user><group>nogroup</group></changeowner>" : "") + "</security>\n"
                + "</icecast>\n";
    }

    private static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    /** A program another test needs (ffmpeg): its path, or a skip (a failure under CI) naming its package. */
    public static String requireProgram(String program, String debianPackage) {
        return Tools.require(program, debianPackage);
    }

    /** A port nothing listens on now, on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        starts++;
        Path log = dir.resolve("icecast-" + starts + ".log");
        process = new ProcessBuilder(binary, "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + START_MILLIS * 1_000_000;
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new AssertionError("icecast2 exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("icecast2 not listening on " + port + " within " + START_MILLIS + " ms: "
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Where a source pushes: {@code icecast://source:PW@127.0.0.1:PORT/mount}. */
    public String sourceUrl(String mount) {
        return "icecast://source:" + SOURCE_PASSWORD + "@127.0.0.1:" + port + mount;
    }

    /** Kills Icecast at once (SIGKILL), as a crash would: sources and listeners see their connections drop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("icecast2 did not die within 10 s");
        }
    }

    /** Starts Icecast again with the same config, on the same port. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        startProcess();
    }

    /** Icecast's {@code /status-json.xsl}. */
    public String statusJson() throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url("/status-json.xsl")).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** Whether {@code mount} has a source on Icecast now (it is listed in {@code status-json.xsl}). */
    public boolean hasMount(String mount) {
        try {
            return statusJson().contains("\"listenurl\":\"http://127.0.0.1:" + port + mount + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until {@code status-json.xsl} holds every fragment (Icecast fills a mount's stats in
     * steps after its source connects); returns the page.
     */
    public String awaitStatus(long millis, String... fragments) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String page = "";
        while (System.nanoTime() < deadline) {
            try {
                page = statusJson();
            } catch (IOException e) {
                page = e.toString();
            }
            String seen = page;
            if (java.util.Arrays.stream(fragments).allMatch(seen::contains)) {
                return page;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("status-json.xsl without " + java.util.Arrays.toString(fragments) + " after "
                + millis + " ms: " + page + "\n" + log());
    }

    /** Everything Icecast logged, all runs. */
    public String log() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            all.append(Files.readString(dir.resolve("icecast-" + i + ".log")));
        }
        return all.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
