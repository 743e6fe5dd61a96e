package io.mp3cast.server;

import static io.mp3cast.server.RelayToIcecastTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.mp3cast.live.push.PlayoutState;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays over TLS and through redirects, on real sockets, with mp3cast's own HTTPS (a self-signed
 * certificate made by the test) as the other end: a relay mount pulls an https upstream whose CA it
 * is given ({@code ca=FILE}) and its listeners hear the tone; without that CA, or under another host
 * name, the relay's last error says why and no audio comes. Redirects (relative, absolute, http to
 * https) are followed and every reconnect starts from the configured URL, so an upstream that moves
 * is followed; a loop and an https to http downgrade are refused by name. A mount pushes itself over
 * TLS ({@code relay-to=https://...}) to a second mp3cast's source ingest, titles included.
 */
class RelayTlsTest {
    private static final double HZ = 550;
    private static final double MOVED_HZ = 660;

    @TempDir
    Path dir;

    private static Mp3CastServer.Builder upstream(SelfSignedCert cert, double hz) {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).tls(TlsSettings.of(cert.cert, cert.key).withPort(0))
                .mount(MountConfig.of("/up.mp3"), AudioSources.tone(24000, hz), EncoderSettings.cbr(64), "tone");
    }

    private static Upstream https(Mp3CastServer server, String host) {
        return Upstream.parse("https://" + host + ":" + server.tlsPort() + "/up.mp3", false);
    }

    @Test
    void aRelayMountPullsAnHttpsUpstreamItsCaTrustsAndWithoutItOrUnderAnotherNameTheLastErrorSaysWhyAndNoAudioComes()
            throws Exception {
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (LogCapture log = LogCapture.start();
             Mp3CastServer up = upstream(cert, HZ).start();
             Mp3CastServer relay = Mp3CastServer.builder().host("127.0.0.1").port(0)
                     .relayMount(MountConfig.of("/relay.mp3"), https(up, "127.0.0.1").withCaFile(cert.cert), null)
                     .relayMount(MountConfig.of("/untrusted.mp3"), https(up, "127.0.0.1"), null)
                     .relayMount(MountConfig.of("/other-name.mp3"), https(up, "localhost").withCaFile(cert.cert), null)
                     .start();
             IcyCapture listener = IcyCapture.open(relay.port(), "/relay.mp3")) {
            listener.awaitAudioBytes(3 * 8000, 10_000);
            assertHears(listener, HZ);
            RelayStatus ok = relay.mount("/relay.mp3").upstream().orElseThrow();
            assertThat(ok.connected()).isTrue();
            assertThat(ok.url()).isEqualTo("https://127.0.0.1:" + up.tlsPort() + "/up.mp3");

            Mount untrusted = relay.mount("/untrusted.mp3");
            await("a second attempt at the untrusted upstream", 10_000,
                    () -> untrusted.upstream().orElseThrow().reconnects() > 0);
            RelayStatus refused = untrusted.upstream().orElseThrow();
            String notTrusted = "TLS with 127.0.0.1:" + up.tlsPort() + " failed: its certificate is not trusted";
            assertThat(refused.lastError()).startsWith(notTrusted).endsWith("name the CA that signed it with ca=FILE");
            assertThat(refused.bytes()).as("no audio from an untrusted upstream").isZero();
            assertThat(untrusted.pushFeed().orElseThrow().playoutState()).isNotEqualTo(PlayoutState.LIVE);
            assertThat(StatusTest.get(relay.port(), "/status.json")).contains(notTrusted);

            Mount otherName = relay.mount("/other-name.mp3");
            await("the other name refused", 10_000, () -> !otherName.upstream().orElseThrow().lastError().isEmpty());
            assertThat(otherName.upstream().orElseThrow().lastError())
                    .startsWith("TLS with localhost:" + up.tlsPort() + " failed: its certificate is not for localhost");
            assertThat(otherName.upstream().orElseThrow().bytes()).isZero();

            String relayLog = log.text().lines().filter(l -> l.contains("relay.UpstreamPull"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertThat(relayLog).as("one line per failure, no stack trace").contains("/untrusted.mp3: upstream https://127.0.0.1:"
                    + up.tlsPort() + "/up.mp3: " + notTrusted).doesNotContain("Exception");
            assertThat(log.text()).doesNotContain("\tat io.netty");
        }
    }

    @Test
    void redirectsAreFollowedToHttpsEachReconnectStartsFromTheConfiguredUrlAndLoopsAndDowngradesAreRefused()
            throws Exception {
        SelfSignedCert cert = SelfSignedCert.make(dir);
        Mp3CastServer up = upstream(cert, HZ).start();
        try (LogCapture log = LogCapture.start();
             Redirector plain = Redirector.http();
             Redirector secure = Redirector.https(cert)) {
            plain.routes.put("/hop.mp3", "301 /moved.mp3");
            plain.routes.put("/moved.mp3", "302 https://127.0.0.1:" + up.tlsPort() + "/up.mp3");
            for (int n = 1; n <= 6; n++) {
                plain.routes.put("/chain" + n + ".mp3", "307 chain" + (n + 1) + ".mp3");
            }
            plain.routes.put("/chain7.mp3", "302 https://127.0.0.1:" + up.tlsPort() + "/up.mp3");
            secure.routes.put("/down.mp3", "308 " + plain.url("/moved.mp3"));
            try (Mp3CastServer relay = Mp3CastServer.builder().host("127.0.0.1").port(0)
                    .relayMount(MountConfig.of("/r.mp3"), Upstream.parse(plain.url("/hop.mp3"), false).withCaFile(cert.cert), null)
                    .relayMount(MountConfig.of("/loop.mp3"), Upstream.parse(plain.url("/chain1.mp3"), false), null)
                    .relayMount(MountConfig.of("/down.mp3"), Upstream.parse("https://127.0.0.1:" + secure.port()
                            + "/down.mp3", false).withCaFile(cert.cert), null)
                    .start();
                 IcyCapture listener = IcyCapture.open(relay.port(), "/r.mp3")) {
                listener.awaitAudioBytes(3 * 8000, 10_000);
                assertHears(listener, HZ);
                assertThat(relay.mount("/r.mp3").upstream().orElseThrow().url()).as("status shows the configured URL")
                        .isEqualTo("http://127.0.0.1:" + plain.port() + "/hop.mp3");

                Supplier<String> loopError = () -> relay.mount("/loop.mp3").upstream().orElseThrow().lastError();
                await("the loop refused", 10_000, () -> !loopError.get().isEmpty());
                assertThat(loopError.get()).isEqualTo("more than 5 redirects (a loop?), the last from http://127.0.0.1:"
                        + plain.port() + "/chain6.mp3");
                assertThat(plain.hits("/chain6.mp3")).as("the first request and 5 hops").isPositive();
                assertThat(plain.hits("/chain7.mp3")).as("no sixth hop").isZero();
                Supplier<String> downError = () -> relay.mount("/down.mp3").upstream().orElseThrow().lastError();
                await("the downgrade refused", 10_000, () -> !downError.get().isEmpty());
                assertThat(downError.get()).isEqualTo("redirect from https to " + plain.url("/moved.mp3")
                        + " refused: a downgrade to plain http (HTTP 308 from https://127.0.0.1:" + secure.port() + "/down.mp3)");
                assertThat(plain.hits("/moved.mp3")).as("the downgrade was never asked for").isEqualTo(1);

                try (Mp3CastServer moved = upstream(cert, MOVED_HZ).start()) {
                    plain.routes.put("/moved.mp3", "302 https://127.0.0.1:" + moved.tlsPort() + "/up.mp3");
                    int hopsBefore = plain.hits("/hop.mp3");
                    up.close();
                    await("the relay back, through the redirects, on the moved upstream", 15_000,
                            () -> hears(listener, MOVED_HZ));
                    assertThat(plain.hits("/hop.mp3")).as("the reconnect asked the configured URL").isGreaterThan(hopsBefore);
                }
                String hop = "/r.mp3: http://127.0.0.1:" + plain.port() + "/hop.mp3 redirects (301) to http://127.0.0.1:"
                        + plain.port() + "/moved.mp3";
                assertThat(log.text()).contains(hop, "/r.mp3: http://127.0.0.1:" + plain.port()
                        + "/moved.mp3 redirects (302) to https://127.0.0.1:" + up.tlsPort() + "/up.mp3");
                assertThat(log.text().split(java.util.regex.Pattern.quote(hop), -1)).as("a hop logged once").hasSize(2);
            }
        } finally {
            up.close();
        }
    }

    @Test
    void aMountPushesItselfOverTlsToAnotherMp3castsIngestWhoseListenersHearItAndItsTitle() throws Exception {
        SelfSignedCert cert = SelfSignedCert.make(dir);
        try (Mp3CastServer ingest = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .tls(TlsSettings.of(cert.cert, cert.key).withPort(0))
                .ingest(IngestSettings.DEFAULT.withSourcePassword("pw")).start()) {
            String target = "https://source:pw@127.0.0.1:" + ingest.tlsPort();
            try (Mp3CastServer source = Mp3CastServer.builder().host("127.0.0.1").port(0)
                    .mount(MountConfig.of("/radio.mp3"), AudioSources.tone(24000, HZ), EncoderSettings.cbr(64), "tone")
                    .relayTo("/radio.mp3", RelayTarget.parse(target + "/in.mp3").withCaFile(cert.cert))
                    .relayTo("/radio.mp3", RelayTarget.parse(target + "/untrusted.mp3"))
                    .start()) {
                Mount radio = source.mount("/radio.mp3");
                await("the relay connected over TLS", 10_000, () -> radio.relays().get(0).connected());
                assertThat(radio.relays().get(0).url()).isEqualTo("https://127.0.0.1:" + ingest.tlsPort() + "/in.mp3");
                try (IcyCapture listener = IcyCapture.open(ingest.port(), "/in.mp3")) {
                    listener.awaitAudioBytes(3 * 8000, 10_000);
                    assertHears(listener, HZ);
                    radio.setTitle("Over TLS");
                    listener.awaitTitle("Over TLS", 5000);
                }
                await("the untrusted target refused", 10_000, () -> !radio.relays().get(1).lastError().isEmpty());
                assertThat(radio.relays().get(1).lastError()).startsWith("TLS with 127.0.0.1:" + ingest.tlsPort()
                        + " failed: its certificate is not trusted");
                assertThat(radio.relays().get(1).connected()).isFalse();
            }
        }
    }

    /** The last second the listener got is the tone at {@code hz}. */
    private static void assertHears(IcyCapture listener, double hz) throws Exception {
        Heard heard = Heard.of(listener).assertDecodesCleanly();
        assertThat(heard.dominantHz(heard.seconds() - 1, heard.seconds())).isCloseTo(hz, offset(5.0));
    }

    private static boolean hears(IcyCapture listener, double hz) {
        Heard heard = Heard.of(listener);
        return heard.seconds() > 1 && Math.abs(heard.dominantHz(heard.seconds() - 1, heard.seconds()) - hz) < 5
                && heard.rms(heard.seconds() - 1, heard.seconds()) > 0.05;
    }
}
