package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.server.Mount;
import io.mp3cast.server.Mp3Bytes;
import io.mp3cast.server.Mp3CastServer;
import io.mp3cast.server.Pusher;
import io.mp3cast.server.Put;
import io.mp3cast.server.RawHttp;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
    private final StringWriter out = new StringWriter();

    private ServeCommand parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out));
        cl.parseArgs(args);
        return cmd;
    }

    @Test
    void withoutMountsItServesTheDemoStreamAndPrintsThePortItPicked() throws Exception {
        try (Mp3CastServer server = parse("--port", "0", "--host", "127.0.0.1").start()) {
            assertThat(server.mounts()).extracting(Mount::path).containsExactly("/stream.mp3");
            assertThat(out.toString()).contains("http://127.0.0.1:" + server.port() + "/");
            assertThat(out.toString()).contains("admin password (generated)");
            try (RawHttp tone = RawHttp.get(server.port(), "/tone.mp3?seconds=0.5")) {
                assertThat(Mp3Bytes.frames(tone.readAll())).isPositive();
            }
        }
    }

    @Test
    void mountFlagsConfigureSourceEncoderAndMountSettings() throws Exception {
        try (Mp3CastServer server = parse("--port", "0", "--host", "127.0.0.1", "--burst-ms", "300",
                "--mount", "/tone.mp3=tone:hz=440,rate=24000,bitrate=32,name=Tone,title=A",
                "--mount", "/hifi.mp3=chirp:rate=44100,channels=2,queue-ms=5000",
                "--admin-password", "pw").start()) {
            Mount tone = server.mount("/tone.mp3");
            assertThat(tone.config().name()).isEqualTo("Tone");
            assertThat(tone.config().burstMillis()).isEqualTo(300);
            assertThat(tone.title()).isEqualTo("A");
            Mount hifi = server.mount("/hifi.mp3");
            assertThat(hifi.config().queueMillis()).isEqualTo(5000);
            assertThat(server.mounts()).hasSize(2);
            try (RawHttp listener = RawHttp.get(server.port(), "/tone.mp3")) {
                byte[] firstFrame = listener.readExactly(4);
                assertThat(io.mp3cast.mp3.FrameHeader.parse(firstFrame, 0).bitrateKbps()).isEqualTo(32);
            }
            assertThat(out.toString()).doesNotContain("generated");
        }
    }

    @Test
    void theConfigFileSetsWhatFlagsDoNotAndFlagsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Files.writeString(file, String.join("\n",
                "# a comment",
                "host = 127.0.0.1",
                "port = 1",
                "queue-ms = 4000",
                "admin-password = fromfile",
                "demo-routes = false",
                "mount./a.mp3 = tone:hz=220",
                "mount./b.mp3 = silence:rate=16000,burst-ms=0"));
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0").start()) {
            assertThat(server.mounts()).extracting(Mount::path).containsExactlyInAnyOrder("/a.mp3", "/b.mp3");
            assertThat(server.mount("/a.mp3").config().queueMillis()).isEqualTo(4000);
            assertThat(server.mount("/b.mp3").config().burstMillis()).isZero();
            try (RawHttp demo = RawHttp.get(server.port(), "/tone.mp3")) {
                assertThat(demo.status).isEqualTo(404);
            }
        }
    }

    @Test
    void maxStreamsLimitsPerRequestStreamsFromTheFlagOrTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Files.writeString(file, "max-streams = 1\n");
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0", "--host", "127.0.0.1").start();
             RawHttp first = RawHttp.get(server.port(), "/silence.mp3?seconds=60&pace=realtime");
             RawHttp second = RawHttp.get(server.port(), "/silence.mp3?seconds=60&pace=realtime")) {
            assertThat(first.status).isEqualTo(200);
            assertThat(second.status).isEqualTo(503);
        }
        try (Mp3CastServer server = parse("--config", file.toString(), "--max-streams", "2", "--port", "0",
                "--host", "127.0.0.1").start();
             RawHttp first = RawHttp.get(server.port(), "/silence.mp3?seconds=60&pace=realtime");
             RawHttp second = RawHttp.get(server.port(), "/silence.mp3?seconds=60&pace=realtime")) {
            assertThat(first.status).isEqualTo(200);
            assertThat(second.status).isEqualTo(200);
        }
        assertThatThrownBy(() -> parse("--port", "0", "--max-streams", "0").start()).hasMessageContaining("0");
    }

    @Test
    void hlsSegmentWindowAndPartsComeFromTheFlagsTheFileAndEachMountsSpec(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Files.writeString(file, String.join("\n", "hls-segment-ms = 4000", "hls-window = 5", "hls-part-ms = 1000",
                "mount./a.mp3 = tone:hz=220", "mount./b.mp3 = tone:hz=330,hls-segment-ms=1000,hls-window=10,hls-part-ms=0"));
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0", "--host", "127.0.0.1").start()) {
            assertThat(server.mount("/a.mp3").config().hls().segmentMillis()).isEqualTo(4000);
            assertThat(server.mount("/a.mp3").config().hls().windowSegments()).isEqualTo(5);
            assertThat(server.mount("/b.mp3").config().hls().segmentMillis()).isEqualTo(1000);
            assertThat(server.mount("/b.mp3").config().hls().windowSegments()).isEqualTo(10);
            assertThat(server.mount("/a.mp3").config().hls().partMillis()).isEqualTo(1000);
            assertThat(server.mount("/b.mp3").config().hls().partMillis()).isZero();
            assertThat(out.toString()).contains("/a.mp3  (HLS: http://127.0.0.1:" + server.port() + "/a.m3u8)");
        }
        try (Mp3CastServer server = parse("--port", "0", "--host", "127.0.0.1", "--hls-segment-ms", "3000",
                "--hls-window", "8", "--hls-part-ms", "500").start()) {
            assertThat(server.mount("/stream.mp3").config().hls().segmentMillis()).isEqualTo(3000);
            assertThat(server.mount("/stream.mp3").config().hls().windowSegments()).isEqualTo(8);
            assertThat(server.mount("/stream.mp3").config().hls().partMillis()).isEqualTo(500);
        }
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=tone:hls-window=3").start())
                .hasMessageContaining("/x.mp3").hasMessageContaining("hlsWindowSegments not supported: 3");
        assertThatThrownBy(() -> parse("--port", "0", "--hls-segment-ms", "100").start())
                .hasMessageContaining("hlsSegmentMillis not supported: 100");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=tone:hls-part-ms=1500").start())
                .hasMessageContaining("/x.mp3").hasMessageContaining("hlsPartMillis not supported: 1500 (100-1000)");
    }

    @Test
    void aFileMountPlaysTheWavAndEndsWhenItIsNotLooped(@TempDir Path dir) throws Exception {
        float[] tone = io.mp3cast.testing.Signals.toneMix(24000, 12000, 0.5, 440);
        short[] pcm = io.mp3cast.testing.Signals.toShorts(tone);
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(pcm.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (short v : pcm) {
            data.putShort(v);
        }
        byte[] header = new io.mp3cast.pcm.WavHeader(io.mp3cast.pcm.PcmFormat.of(24000, 1,
                io.mp3cast.pcm.SampleEncoding.INT16_LE), pcm.length * 2L).toBytes();
        Path wav = dir.resolve("a440.wav");
        Files.write(wav, header);
        Files.write(wav, data.array(), java.nio.file.StandardOpenOption.APPEND);

        try (Mp3CastServer server = parse("--port", "0", "--host", "127.0.0.1",
                "--mount", "/song.mp3=file:path=" + wav + ",loop=false").start()) {
            try (RawHttp listener = RawHttp.get(server.port(), "/song.mp3")) {
                byte[] body = listener.readAll();
                io.mp3cast.testing.Decoded d = io.mp3cast.testing.Mp3Decoding.decode(body);
                assertThat(d.length()).isGreaterThanOrEqualTo(12000);
                assertThat(io.mp3cast.testing.AudioMath.dominantFrequencyHz(d.channel(0), 2000, 8000, 24000, 300, 600))
                        .isEqualTo(440.0);
            }
            assertThat(server.mount("/song.mp3").feedState()).isEqualTo(io.mp3cast.live.FeedState.ENDED);
        }
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=file:path=" + dir.resolve("none.wav")).start())
                .hasMessageContaining("none.wav");
    }

    @Test
    void badSpecsAreRejectedNamingTheMountAndTheValue(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=tone:hz=abc").start())
                .hasMessageContaining("/x.mp3").hasMessageContaining("hz");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=tone:colour=red").start())
                .hasMessageContaining("unknown key 'colour'");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=organ").start())
                .hasMessageContaining("organ");
        assertThatThrownBy(() -> parse("--port", "0", "--encoder", "fast").start())
                .hasMessageContaining("fast");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "prot = 80\n");
        assertThatThrownBy(() -> parse("--config", file.toString()).start()).hasMessageContaining("prot");
    }

    @Test
    void helpListsEveryOption() {
        String help = new CommandLine(new ServeCommand()).getUsageMessage();
        List<String> options = List.of("--port", "--host", "--mount", "--config", "--encoder", "--burst-ms",
                "--queue-ms", "--batch-ms", "--hls-segment-ms", "--hls-window", "--max-streams", "--admin-password",
                "--source-password", "--[no-]create-mounts", "--[no-]takeover", "--buffer-ms", "--fallback-mount",
                "--max-mounts", "--max-body-kbps", "--idle-mount-ms", "--allowed-origins", "--idle-timeout-ms",
                "--header-timeout-ms", "--write-timeout-ms", "--max-connections", "--max-connections-per-ip");
        assertThat(options.stream().filter(help::contains).collect(Collectors.toList())).isEqualTo(options);
    }

    @Test
    void ingestFlagsSetTheSourcePasswordMountCreationTakeoverBufferFallbackAndLimits() throws Exception {
        try (Mp3CastServer server = parse("--port", "0", "--host", "127.0.0.1", "--source-password", "pw",
                "--no-create-mounts", "--takeover", "--buffer-ms", "3000", "--fallback-mount", "/stream.mp3",
                "--max-mounts", "5", "--max-body-kbps", "1000",
                "--mount", "/stream.mp3=tone", "--mount", "/live.mp3=push:bitrate=32,name=Live").start()) {
            Mount live = server.mount("/live.mp3");
            assertThat(live.pushBufferMillis()).isEqualTo(3000);
            assertThat(live.config().name()).isEqualTo("Live");
            assertThat(out.toString()).contains("push  http://127.0.0.1:" + server.port() + "/live.mp3",
                    "live  http://127.0.0.1:" + server.port() + "/stream.mp3", "(user source)");

            HttpClient http = HttpClient.newHttpClient();
            byte[] pcm = Pusher.f32le(new float[24000]);
            String query = "?format=f32le&rate=24000";
            assertThat(Put.send(http, server.port(), "/live.mp3" + query, pcm).statusCode()).isEqualTo(401);
            String auth = Put.basic("source", "pw");
            assertThat(Put.send(http, server.port(), "/new.mp3" + query, pcm, "Authorization", auth).statusCode()).isEqualTo(404);
            assertThat(Put.send(http, server.port(), "/live.mp3" + query, pcm, "Authorization", auth).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theConfigFileSetsIngestToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Files.writeString(file, String.join("\n",
                "host = 127.0.0.1",
                "source-password = frommfile",
                "create-mounts = false",
                "takeover = true",
                "buffer-ms = 4000",
                "max-mounts = 3",
                "max-body-kbps = 0",
                "idle-mount-ms = 5000",
                "mount./live.mp3 = push"));
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0").start()) {
            assertThat(server.mount("/live.mp3").pushBufferMillis()).isEqualTo(4000);
        }
        Files.writeString(file, "create-mounts = maybe\n");
        assertThatThrownBy(() -> parse("--config", file.toString(), "--port", "0").start())
                .hasMessageContaining("create-mounts: not true or false: 'maybe'");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/x.mp3=push:hz=3").start())
                .hasMessageContaining("unknown key 'hz'");
    }

    @Test
    void relayToTargetsRelayMountsAndTheRelayPasswordComeFromSpecsTheConfigFileAndFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Path ca = io.mp3cast.server.SelfSignedCert.make(dir).cert;
        Files.writeString(file, String.join("\n",
                "host = 127.0.0.1",
                "relay-user = slaves",
                "mount./a.mp3 = tone:hz=440,relay-to=icecast://source:p%2Cw@127.0.0.1:1/a.mp3,"
                        + "relay-to=http://dj:pw@127.0.0.1:1/b.mp3,relay-to=https://source:pw@127.0.0.1:1/c.mp3,ca=" + ca
                        + ",name=A"));
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0", "--relay-password", "rpw",
                "--mount", "/r.mp3=relay:url=http://127.0.0.1:1/up.mp3,on-demand=true,fallback=/a.mp3",
                "--mount", "/s.mp3=relay:url=https://127.0.0.1:1/up.mp3,ca=" + ca + ",on-demand=true").start()) {
            assertThat(server.mount("/a.mp3").relays()).extracting(io.mp3cast.server.RelayStatus::url)
                    .containsExactly("icecast://127.0.0.1:1/a.mp3", "icecast://127.0.0.1:1/b.mp3", "https://127.0.0.1:1/c.mp3");
            assertThat(server.mount("/s.mp3").upstream().orElseThrow().url()).isEqualTo("https://127.0.0.1:1/up.mp3");
            assertThat(server.mount("/a.mp3").config().name()).isEqualTo("A");
            assertThat(server.mount("/r.mp3").upstream()).hasValueSatisfying(u -> {
                assertThat(u.url()).isEqualTo("http://127.0.0.1:1/up.mp3");
                assertThat(u.state()).isEqualTo("waiting");
            });
            assertThat(out.toString()).contains("-> icecast://127.0.0.1:1/a.mp3", "relay http://127.0.0.1:"
                    + server.port() + "/r.mp3 <- http://127.0.0.1:1/up.mp3", "Icecast slaves relay every mount")
                    .doesNotContain("p,w", "p%2Cw");
            try (RawHttp list = RawHttp.request(server.port(), "GET", "/admin/streamlist.txt", "HTTP/1.0", 0,
                    Pusher.basic("slaves", "rpw"))) {
                assertThat(new String(list.readAll(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("/a.mp3\n/r.mp3\n/s.mp3\n");
            }
        }
    }

    @Test
    void badRelaySpecsAreRejectedNamingTheValueWithoutItsPassword(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/a.mp3=tone:relay-to=ftp://source:secret@host/a.mp3").start())
                .hasMessageContaining("mount /a.mp3: relay-to: 'ftp://source:***@host/a.mp3' is not an icecast://, http:// or"
                        + " https:// URL")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/a.mp3=tone:relay-to=icecast://host:8000").start())
                .hasMessageContaining("names no mount");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/r.mp3=relay:on-demand=true").start())
                .hasMessageContaining("mount /r.mp3: relay: url missing");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/a.mp3=tone:ca=/etc/ca.pem").start())
                .hasMessageContaining("mount /a.mp3: ca not supported: '/etc/ca.pem' (a PEM file of CA certificates, for a relay"
                        + " mount's https upstream or https relay-to targets)");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/r.mp3=relay:url=https://host/up.mp3,ca=" + missing).start())
                .hasMessageContaining("ca: cannot read " + missing);
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/a.mp3=push:relay-to=https://h/a.mp3,ca=" + notPem).start())
                .hasMessageContaining("ca: cannot load " + notPem + " (PEM certificates expected)");
        assertThatThrownBy(() -> parse("--port", "0", "--mount", "/r.mp3=relay:url=http://host/up.mp3,hz=3").start())
                .hasMessageContaining("unknown key 'hz' for relay on /r.mp3");
    }

    @Test
    void hardeningFlagsAndKeysSetTheOriginsTimeoutsAndCaps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp3cast.properties");
        Files.writeString(file, String.join("\n", "host = 127.0.0.1", "allowed-origins = https://a.example, https://b.example",
                "header-timeout-ms = 1500", "max-connections-per-ip = 3"));
        try (Mp3CastServer server = parse("--config", file.toString(), "--port", "0", "--idle-timeout-ms", "2000",
                "--write-timeout-ms", "3000", "--max-connections", "100").start()) {
            HttpClient http = HttpClient.newHttpClient();
            byte[] pcm = Pusher.f32le(new float[24000]);
            assertThat(Put.send(http, server.port(), "/x.mp3?format=f32le&rate=24000", pcm, "Origin", "https://c.example")
                    .statusCode()).isEqualTo(403);
            assertThat(Put.send(http, server.port(), "/x.mp3?format=f32le&rate=24000", pcm, "Origin", "https://b.example")
                    .statusCode()).isEqualTo(200);
        }
        ServeCommand.Settings s = ServeCommand.Settings.from(parse("--config", file.toString(), "--idle-timeout-ms", "2000",
                "--write-timeout-ms", "3000", "--max-connections", "100"), ServeCommand.load(file));
        assertThat(s.limits).isEqualTo(new io.mp3cast.server.ConnectionLimits(1500, 2000, 3000, 100, 3));
        assertThat(s.ingest.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThatThrownBy(() -> parse("--port", "0", "--allowed-origins", "evil.example").start())
                .hasMessageContaining("origin not supported: 'evil.example'");
    }
}
