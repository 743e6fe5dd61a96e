package io.mp3cast.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SourceAuthTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 40000);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void withoutAPasswordOnlyLoopbackMayPushAndTheRefusalSaysHowToSetOne() {
        assertThat(SourceAuth.check(null, null, LOOPBACK)).isEmpty();
        assertThat(SourceAuth.check(null, basic("source", "anything"), LOOPBACK6)).isEmpty();
        assertThat(SourceAuth.check(null, basic("source", "anything"), REMOTE)).hasValueSatisfying(
                why -> assertThat(why).contains("--source-password", "MP3CAST_SOURCE_PASSWORD"));
    }

    @Test
    void withAPasswordEveryoneNeedsItLoopbackIncludedAsUserSource() {
        assertThat(SourceAuth.check("pw", basic("source", "pw"), REMOTE)).isEmpty();
        assertThat(SourceAuth.check("pw", null, LOOPBACK)).isPresent();
        assertThat(SourceAuth.check("pw", basic("source", "pW"), LOOPBACK)).isPresent();
        assertThat(SourceAuth.check("pw", basic("source", "pw2"), LOOPBACK)).isPresent();
        assertThat(SourceAuth.check("pw", basic("someone", "pw"), REMOTE)).isPresent();
        assertThat(SourceAuth.check("pw", "Basic !!!", REMOTE)).isPresent();
        assertThat(SourceAuth.check("pw", "Bearer pw", REMOTE)).isPresent();
        assertThat(SourceAuth.check("p:w", basic("source", "p:w"), REMOTE)).as("colons in passwords").isEmpty();
    }
}
