package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import io.mp3cast.source.AudioSources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS and WSS with a self-signed certificate made by the test: curl (verifying it with
 * {@code --cacert}) plays a live mount, a producer pushes over {@code wss://}, a certificate replaced
 * on disk is what the next connection gets, plain HTTP still answers on the same port, and a TLS port
 * of its own works too; Chromium gets a secure context from it ({@link #chromiumLoadsThePageOverHttpsInASecureContext}).
 */
class TlsTest {
    @TempDir
    Path dir;

    private Mp3CastServer.Builder server(TlsSettings tls) {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).tls(tls)
                .mount(MountConfig.of("/stream.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone")
                .pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64));
    }

    @Test
    void curlPlaysTheLiveMountOverHttpsVerifyingTheCertificateAndPlainHttpSharesThePort() throws Exception {
        String curl = Tools.require("curl", "curl");
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (Mp3CastServer s = server(TlsSettings.of(cert.cert, cert.key)).start()) {
            Path out = dir.resolve("out.mp3");
            Tools.Run r = Tools.run(List.of(curl, "-sS", "--cacert", cert.cert.toString(), "--max-time", "3", "-o",
                    out.toString(), "-w", "%{http_code} %{ssl_verify_result}", "https://127.0.0.1:" + s.port() + "/stream.mp3"));
            assertThat(r.exitCode()).as("curl ends by its time limit (28), the stream being live: " + r.stderr()).isEqualTo(28);
            assertThat(r.stdout()).isEqualTo("200 0");
            assertThat(wholeFrames(Files.readAllBytes(out))).as("MP3 frames in 3 s").isGreaterThan(40);

            Tools.Run untrusted = Tools.run(List.of(curl, "-sS", "--max-time", "3", "-o", "/dev/null",
                    "https://127.0.0.1:" + s.port() + "/status.json"));
            assertThat(untrusted.exitCode()).as("an unknown certificate is refused by curl").isEqualTo(60);
            Tools.Run plain = Tools.run(List.of(curl, "-sS", "--max-time", "3", "http://127.0.0.1:" + s.port() + "/readyz"));
            assertThat(plain.stdout()).isEqualTo("ready\n");
        }
    }

    @Test
    void aProducerPushesOverWssAndAListenerHearsItOverHttps() throws Exception {
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (Mp3CastServer s = server(TlsSettings.of(cert.cert, cert.key).withPort(0)).start()) {
            assertThat(s.tlsPort()).isNotEqualTo(s.port());
            HttpClient http = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + s.tlsPort()
                    + "/live.mp3?format=f32le&rate=24000&channels=1"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            byte[] pcm = Pusher.f32le(io.mp3cast.testing.Signals.toneMix(24000, 24000 * 2, 0.5, 440));
            for (int at = 0; at < pcm.length; at += 9600) {
                ws.sendBinary(ByteBuffer.wrap(pcm, at, Math.min(9600, pcm.length - at)), true).get(5, TimeUnit.SECONDS);
            }
            Mount live = s.mount("/live.mp3");
            await("a producer connected over wss", () -> live.pushFeed().orElseThrow().producersConnected() == 1 ? 1 : 0, 1, 10_000);
            HttpResponse<java.io.InputStream> listen = http.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + s.tlsPort() + "/live.mp3")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(listen.statusCode()).isEqualTo(200);
            try (java.io.InputStream body = listen.body()) {
                assertThat(wholeFrames(body.readNBytes(8000))).isGreaterThan(20);
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "TLS by {0}")
    @EnumSource(value = TlsSettings.Provider.class, names = {"AUTO", "JDK"})
    void aCertificateReplacedOnDiskIsServedToTheNextConnectionAndABrokenPairKeepsTheLastGoodOne(TlsSettings.Provider provider)
            throws Exception {
        SelfSignedCert first = SelfSignedCert.make(dir);
        try (Mp3CastServer s = server(TlsSettings.of(first.cert, first.key).withProvider(provider)).start()) {
            assertThat(servedFingerprint(s.port())).isEqualTo(SelfSignedCert.fingerprint(first.x509));

            SelfSignedCert renewed = SelfSignedCert.make(dir, first.cert, first.key, "renewed." + SelfSignedCert.HOST);
            assertThat(servedFingerprint(s.port())).isEqualTo(SelfSignedCert.fingerprint(renewed.x509));

            Files.writeString(first.key, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
            assertThat(servedFingerprint(s.port())).as("a key that does not load: the last good pair stays")
                    .isEqualTo(SelfSignedCert.fingerprint(renewed.x509));
        }
    }

    @Test
    void chromiumLoadsThePageOverHttpsInASecureContext() throws Exception {
        Path harness = BrowserHarness.require("tls.mjs");
        String chromium = BrowserHarness.requireBrowser("chromium");
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (Mp3CastServer s = server(TlsSettings.of(cert.cert, cert.key)).start()) {
            String base = SelfSignedCert.HOST + ":" + s.port() + "/";
            Object report = BrowserHarness.run(harness, "tls.mjs", dir.resolve("tls.json").toFile(), List.of(
                    "--https-url", "https://" + base, "--http-url", "http://" + base, "--host", SelfSignedCert.HOST,
                    "--spki", cert.spkiSha256(), "--executable", chromium, "--mount", "/stream.mp3"));
            assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
            assertThat(MiniJson.at(report, "https.status")).isEqualTo(200.0);
            assertThat(MiniJson.at(report, "https.listed")).as("the page lists the mount over https").isEqualTo(true);
            assertThat(MiniJson.at(report, "https.protocol")).isEqualTo("https:");
            assertThat(MiniJson.at(report, "https.isSecureContext")).isEqualTo(true);
            assertThat(MiniJson.at(report, "https.audioDecoder")).as("WebCodecs is offered").isEqualTo(true);
            assertThat((List<?>) MiniJson.at(report, "https.consoleErrors")).isEmpty();
            assertThat(MiniJson.at(report, "http.isSecureContext")).as("the same page over http on that name").isEqualTo(false);
        }
    }

    /** The SHA-256 of the certificate a new TLS connection is given (trusting any: this only looks). */
    private static String servedFingerprint(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return SelfSignedCert.fingerprint(socket.getSession().getPeerCertificates()[0]);
        }
    }

    /** Whole MP3 frames at the start of {@code mp3} (a live stream cut by a time limit ends mid-frame). */
    private static int wholeFrames(byte[] mp3) throws Mp3FormatException {
        int n = 0;
        int at = 0;
        while (at + FrameHeader.SIZE <= mp3.length) {
            int len = FrameHeader.parse(mp3, at).frameLengthBytes();
            if (at + len > mp3.length) {
                break;
            }
            at += len;
            n++;
        }
        return n;
    }
}
