package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushUrlTest {

    @Test
    void formatParametersAreAddedToTheQueryTheUrlAlreadyHas() {
        Map<String, String> format = new LinkedHashMap<>();
        format.put("format", "f32le");
        format.put("rate", "24000");

        assertThat(PushUrl.parse("http://host:8000/live?key=a%20b").withQuery(format))
                .hasToString("http://host:8000/live?key=a%20b&format=f32le&rate=24000");
        assertThat(PushUrl.parse("http://host:8000/live").withQuery(format))
                .hasToString("http://host:8000/live?format=f32le&rate=24000");
        assertThat(PushUrl.parse("http://host:8000/live").withQuery(Map.of())).hasToString("http://host:8000/live");
    }

    @Test
    void credentialsAreReadDecodedAndLeftOutOfWhatIsShownOrConnectedTo() {
        PushUrl url = PushUrl.parse("https://source:p%40ss:word@example.org/radio.mp3");

        assertThat(url.user()).hasValue("source");
        assertThat(url.password()).hasValue("p@ss:word");
        assertThat(url.display()).isEqualTo("https://example.org/radio.mp3");
        assertThat(url.withQuery(Map.of())).hasToString("https://example.org/radio.mp3");
    }

    @Test
    void urlWithoutCredentialsHasNone() {
        PushUrl url = PushUrl.parse("http://[::1]:8000/live");

        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url.display()).isEqualTo("http://[::1]:8000/live");
    }

    @Test
    void hostPortFillsInTheSchemesPort() {
        assertThat(PushUrl.parse("http://example.org/live").hostPort()).isEqualTo("example.org:80");
        assertThat(PushUrl.parse("https://example.org/live").hostPort()).isEqualTo("example.org:443");
        assertThat(PushUrl.parse("http://127.0.0.1:8000/live").hostPort()).isEqualTo("127.0.0.1:8000");
        assertThat(PushUrl.parse("icecast://example.org/live").hostPort()).isEqualTo("example.org:8000");
    }

    @Test
    void anIcecastUrlIsReachedOverPlainHttpWithItsPortAndWithoutItsCredentials() {
        PushUrl url = PushUrl.parse("icecast://source:hack%40me@example.org/live.mp3");

        assertThat(url.isIcecast()).isTrue();
        assertThat(url.password()).contains("hack@me");
        assertThat(url.withQuery(java.util.Map.of()).toString()).isEqualTo("http://example.org:8000/live.mp3");
        assertThat(url.resolve("/admin/metadata?mode=updinfo").toString())
                .isEqualTo("http://example.org:8000/admin/metadata?mode=updinfo");
        assertThat(url.display()).isEqualTo("icecast://example.org:8000/live.mp3");
    }

    @Test
    void whatIsNotAnHttpUrlOfAMountIsRejectedNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> PushUrl.parse("ftp://host/live"))
                .withMessage("'ftp://host/live': not an http://, https:// or icecast:// URL");
        assertThatIllegalArgumentException().isThrownBy(() -> PushUrl.parse("http://host:8000"))
                .withMessage("'http://host:8000': names no mount; add its path, as in http://host:8000/live");
        assertThatIllegalArgumentException().isThrownBy(() -> PushUrl.parse("http:///live"))
                .withMessage("'http:///live': no host name in it");
        assertThatIllegalArgumentException().isThrownBy(() -> PushUrl.parse("http://host/a b"))
                .withMessageStartingWith("'http://host/a b': not a URL (Illegal character in path at index 13)");
    }
}
