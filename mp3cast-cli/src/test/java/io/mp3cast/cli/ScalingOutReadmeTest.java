package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.Heard;
import io.mp3cast.server.Icecast;
import io.mp3cast.server.IcyCapture;
import io.mp3cast.server.Mp3CastServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * README's "Scaling out through Icecast", run as written: each way's {@code icecast.xml} snippet
 * goes into the config of Debian's {@code icecast2}, and each line of its commands runs
 * ({@code ./mp3cast serve} and {@code ./mp3cast push} in-process, {@code ffmpeg} as itself). Only
 * what a test must change is changed: mp3cast's port 8000 and Icecast's 8010 become free ports
 * ({@code serve} gets {@code --port} and {@code --host 127.0.0.1}), {@code localhost} becomes
 * {@code 127.0.0.1}, and {@code speech.wav} is a tone written here.
 */
class ScalingOutReadmeTest {
    private static final Pattern WAY = Pattern.compile(
            "<!-- scaling-out: ([a-z0-9-]+) -->\\s*```xml\\n(.*?)```\\s*```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    private final List<Mp3CastServer> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Mp3CastServer::close);
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void icecastPullsEveryMountFromMp3castAsItsMaster() throws Exception {
        Way way = way("icecast-pulls");
        int mp3castPort = Icecast.freePort();
        int icecastPort = Icecast.freePort();
        run(way.commands(), mp3castPort, icecastPort);
        try (Icecast icecast = Icecast.start(dir, icecastPort, way.xml(mp3castPort, icecastPort), 65536)) {
            icecast.awaitStatus(10_000, "\"listenurl\":\"http://127.0.0.1:" + icecastPort + "/stream.mp3\"");
            try (IcyCapture listener = IcyCapture.open(icecastPort, "/stream.mp3")) {
                listener.awaitAudioBytes(16_000, 10_000);
                Heard heard = Heard.of(listener).assertDecodesCleanly();
                assertThat(heard.rms(0.5, heard.seconds())).as("the demo chirp, not silence").isGreaterThan(0.05);
            }
        }
    }

    @Test
    void mp3castPushesAMountThatAProducerFeedsToIcecast() throws Exception {
        Way way = way("mp3cast-pushes");
        int mp3castPort = Icecast.freePort();
        int icecastPort = Icecast.freePort();
        Files.write(dir.resolve("speech.wav"), TestAudio.wav(PcmFormat.floatMono(24000),
                TestAudio.float32le(TestAudio.tones(24000, 4, 550))));
        try (Icecast icecast = Icecast.start(dir, icecastPort, way.xml(mp3castPort, icecastPort), 65536)) {
            run(way.commands(), mp3castPort, icecastPort);
            icecast.awaitStatus(10_000, "\"listenurl\":\"http://127.0.0.1:" + icecastPort + "/live.mp3\"");
            try (IcyCapture listener = IcyCapture.open(icecastPort, "/live.mp3")) {
                listener.awaitAudioBytes(24_000, 10_000);
                Heard heard = Heard.of(listener).assertDecodesCleanly();
                assertThat(heard.dominantHz(0.2, 2.2)).isCloseTo(550, offset(5.0));
            }
        }
    }

    @Test
    void mp3castRelaysAnIcecastMountThatFfmpegFeeds() throws Exception {
        Way way = way("mp3cast-relays");
        int mp3castPort = Icecast.freePort();
        int icecastPort = Icecast.freePort();
        try (Icecast icecast = Icecast.start(dir, icecastPort, way.xml(mp3castPort, icecastPort), 65536)) {
            run(way.commands(), mp3castPort, icecastPort);
            try (IcyCapture listener = IcyCapture.open(mp3castPort, "/news.mp3")) {
                listener.awaitAudioBytes(3 * 16_000, 15_000);
                Heard heard = Heard.of(listener).assertDecodesCleanly();
                assertThat(heard.dominantHz(1, 2)).isCloseTo(550, offset(5.0));
            }
        }
    }

    /** One way out of the README: its snippet and its commands. */
    record Way(String name, String xmlText, String shText) {
        String xml(int mp3castPort, int icecastPort) {
            return ports(xmlText, mp3castPort, icecastPort);
        }

        /** One command per line; a line ending in {@code \} goes on. */
        List<String> commands() {
            List<String> lines = new ArrayList<>();
            for (String line : shText.replace("\\\n", " ").split("\n")) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }
    }

    static String ports(String text, int mp3castPort, int icecastPort) {
        return text.replace("localhost", "127.0.0.1").replace(":8010", ":" + icecastPort)
                .replace(":8000", ":" + mp3castPort).replace(">8000<", ">" + mp3castPort + "<");
    }

    private static Way way(String name) throws IOException {
        Path readme = Path.of(System.getProperty("mp3cast.root", "..")).resolve("README.md");
        Matcher m = WAY.matcher(Files.readString(readme, StandardCharsets.UTF_8));
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return new Way(name, m.group(2), m.group(3));
            }
        }
        throw new AssertionError("README.md has no way '" + name + "' (a marker, an xml block, an sh block)");
    }

    private void run(List<String> commands, int mp3castPort, int icecastPort) throws Exception {
        assertThat(commands).isNotEmpty();
        for (String command : commands) {
            List<String> words = Shell.words(ports(command, mp3castPort, icecastPort));
            String program = words.get(0);
            List<String> args = words.subList(1, words.size());
            if (program.equals("./mp3cast") && args.get(0).equals("serve")) {
                serve(args.subList(1, args.size()), mp3castPort);
            } else if (program.equals("./mp3cast")) {
                List<String> withFiles = new ArrayList<>();
                args.forEach(a -> withFiles.add(a.equals("speech.wav") ? dir.resolve("speech.wav").toString() : a));
                CliRun run = CliRun.run(withFiles.toArray(String[]::new));
                assertThat(run.exitCode()).as(command + ": " + run.stderr()).isZero();
            } else if (program.equals("ffmpeg")) {
                words.set(0, Icecast.requireProgram("ffmpeg", "ffmpeg"));
                processes.add(new ProcessBuilder(words).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("ffmpeg.log").toFile()).start());
                Thread.sleep(500);  // the source connects before anyone asks for its mount
            } else {
                throw new AssertionError("README command the test cannot run: " + command);
            }
        }
    }

    private void serve(List<String> args, int port) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--port", Integer.toString(port), "--host", "127.0.0.1"));
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.parseArgs(all.toArray(String[]::new));
        servers.add(serve.start());
    }

    /** Splits a command line as a POSIX shell would, for the quoting the README uses. */
    static final class Shell {
        private Shell() {}

        static List<String> words(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = null;
            char quote = 0;
            for (char c : line.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    word = word == null ? new StringBuilder() : word;
                } else if (Character.isWhitespace(c)) {
                    if (word != null) {
                        words.add(word.toString());
                        word = null;
                    }
                } else {
                    word = word == null ? new StringBuilder() : word;
                    word.append(c);
                }
            }
            if (word != null) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
