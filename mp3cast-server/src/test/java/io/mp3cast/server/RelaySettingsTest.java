package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** relay-to targets, upstreams and the master's settings: parsed as users write them, bad ones named. */
class RelaySettingsTest {

    @Test
    void aRelayTargetIsParsedAsFfmpegWritesIcecastUrlsWithItsPasswordNeverShown() {
        RelayTarget t = RelayTarget.parse("icecast://source:s%40cret@ice.example/live.mp3");
        assertThat(t).extracting(RelayTarget::host, RelayTarget::port, RelayTarget::mount, RelayTarget::user,
                RelayTarget::password).containsExactly("ice.example", 8000, "/live.mp3", "source", "s@cret");
        assertThat(t.display()).isEqualTo("icecast://ice.example:8000/live.mp3");
        assertThat(t.toString()).doesNotContain("s@cret");
        RelayTarget h = RelayTarget.parse("http://dj@10.0.0.2:8010/b.mp3");
        assertThat(h).extracting(RelayTarget::port, RelayTarget::mount, RelayTarget::user, RelayTarget::password)
                .containsExactly(8010, "/b.mp3", "dj", null);
        assertThat(RelayTarget.parse("http://host/x.mp3").port()).isEqualTo(80);
    }

    @Test
    void anHttpsRelayTargetSpeaksTlsOnPort443UnlessGivenAndMayNameTheCasItTrusts() {
        RelayTarget t = RelayTarget.parse("https://source:pw@ice.example/live.mp3");
        assertThat(t).extracting(RelayTarget::host, RelayTarget::port, RelayTarget::tls, RelayTarget::caFile)
                .containsExactly("ice.example", 443, true, null);
        assertThat(t.display()).isEqualTo("https://ice.example:443/live.mp3");
        RelayTarget withCa = RelayTarget.parse("https://source:pw@ice.example:8443/live.mp3").withCaFile(Path.of("/etc/ca.pem"));
        assertThat(withCa).extracting(RelayTarget::port, RelayTarget::tls, RelayTarget::caFile, RelayTarget::password)
                .containsExactly(8443, true, Path.of("/etc/ca.pem"), "pw");
        assertThat(withCa.toString()).doesNotContain("pw").contains("https://", "/etc/ca.pem");
        assertThat(RelayTarget.parse("icecast://source:pw@ice.example/live.mp3").tls()).as("icecast:// stays plain").isFalse();
    }

    @Test
    void badRelayTargetsAreRejectedNamingThemWithoutTheirPassword() {
        assertThatIllegalArgumentException().isThrownBy(() -> RelayTarget.parse("ftp://source:pw@host/live.mp3"))
                .withMessage("relay-to: 'ftp://source:***@host/live.mp3' is not an icecast://, http:// or https:// URL");
        assertThatIllegalArgumentException().isThrownBy(() -> RelayTarget.parse("icecast://source:pw@host"))
                .withMessageContaining("names no mount").withMessageNotContaining("pw");
        assertThatIllegalArgumentException().isThrownBy(() -> RelayTarget.parse("icecast:live.mp3"))
                .withMessageContaining("not a URL with a host");
    }

    @Test
    void anUpstreamIsAnHttpUrlOfAMount() {
        Upstream u = Upstream.parse("http://relay:pw@radio.example/news.mp3?x=1", true);
        assertThat(u).extracting(Upstream::host, Upstream::port, Upstream::pathAndQuery, Upstream::onDemand)
                .containsExactly("radio.example", 80, "/news.mp3?x=1", true);
        assertThat(u.user()).contains("relay");
        assertThat(u.password()).contains("pw");
        assertThat(u.display()).isEqualTo("http://radio.example:80/news.mp3?x=1");
        Upstream https = Upstream.parse("https://radio.example/news.mp3", false);
        assertThat(https).extracting(Upstream::tls, Upstream::port, Upstream::display, Upstream::caFile)
                .containsExactly(true, 443, "https://radio.example:443/news.mp3", null);
        assertThat(https.withCaFile(Path.of("ca.pem")).caFile()).isEqualTo(Path.of("ca.pem"));
        assertThatIllegalArgumentException().isThrownBy(() -> Upstream.parse("icecast://radio.example/news.mp3", false))
                .withMessageContaining("url not supported");
    }

    @Test
    void aRedirectIsResolvedAgainstTheUpstreamTakesHttpToHttpsRefusesADowngradeAndKeepsCredentialsOnTheSameHostOnly() {
        Upstream u = Upstream.parse("http://relay:pw@radio.example:8000/a/news.mp3", false).withCaFile(Path.of("ca.pem"));
        Upstream relative = u.redirectedTo("other.mp3?x=1");
        assertThat(relative.display()).isEqualTo("http://radio.example:8000/a/other.mp3?x=1");
        assertThat(relative.password()).contains("pw");
        assertThat(relative.caFile()).isEqualTo(Path.of("ca.pem"));
        Upstream upgraded = u.redirectedTo("https://radio.example/news.mp3");
        assertThat(upgraded).extracting(Upstream::tls, Upstream::port).containsExactly(true, 443);
        assertThat(upgraded.password()).contains("pw");
        Upstream elsewhere = u.redirectedTo("https://cdn.example:8443/news.mp3");
        assertThat(elsewhere.display()).isEqualTo("https://cdn.example:8443/news.mp3");
        assertThat(elsewhere.password()).as("credentials stay with their host").isEmpty();
        assertThat(u.redirectedTo("//cdn.example").display()).isEqualTo("http://cdn.example:80/");
        assertThat(refusal(upgraded, "http://radio.example/news.mp3"))
                .isEqualTo("redirect from https to http://radio.example/news.mp3 refused: a downgrade to plain http");
        assertThat(refusal(u, "ftp://radio.example/news.mp3"))
                .isEqualTo("redirect to 'ftp://radio.example/news.mp3': not an http(s) URL");
        assertThat(refusal(u, "http://bad host/")).startsWith("redirect to 'http://bad host/': not a URL");
    }

    /** Why {@code from} does not follow a redirect to {@code location}. */
    private static String refusal(Upstream from, String location) {
        try {
            throw new AssertionError("followed to " + from.redirectedTo(location).display());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void theBuilderRejectsARelayFromAMountItDoesNotHaveAndTheSameTargetTwice() {
        RelayTarget target = RelayTarget.parse("icecast://source:pw@127.0.0.1:1/a.mp3");
        Mp3CastServer.Builder b = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/a.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .relayTo("/a.mp3", target);
        assertThatIllegalArgumentException().isThrownBy(() -> b.relayTo("/a.mp3", RelayTarget.parse("http://127.0.0.1:1/a.mp3")))
                .withMessage("relayTo: /a.mp3 already relays to icecast://127.0.0.1:1/a.mp3");
        b.relayTo("/b.mp3", target);
        assertThatIllegalArgumentException().isThrownBy(b::start)
                .withMessage("relayTo: no mount at /b.mp3 (mounts: [/a.mp3])");
    }

    @Test
    void masterSettingsNeedAUserAndNoEmptyPassword() {
        assertThat(MasterSettings.DEFAULT.relayUser()).isEqualTo("relay");
        assertThat(MasterSettings.DEFAULT.withRelayPassword("x").toString()).doesNotContain("x]").contains("***");
        assertThatIllegalArgumentException().isThrownBy(() -> new MasterSettings("a:b", null)).withMessageContaining("relayUser");
        assertThatIllegalArgumentException().isThrownBy(() -> MasterSettings.DEFAULT.withRelayPassword(""))
                .withMessageContaining("relayPassword");
    }
}
