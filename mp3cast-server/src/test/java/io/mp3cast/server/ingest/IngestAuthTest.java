package io.mp3cast.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class IngestAuthTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 40000);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void withoutAPasswordOnlyLoopbackMayPushAndTheRefusalSaysHowToSetOne() {
        assertThat(IngestAuth.check(null, null, LOOPBACK)).isEmpty();
        assertThat(IngestAuth.check(null, basic("source", "anything"), LOOPBACK6)).isEmpty();
        assertThat(IngestAuth.check(null, basic("source", "anything"), REMOTE)).hasValueSatisfying(
                why -> assertThat(why).contains("--source-password", "MP3CAST_SOURCE_PASSWORD"));
    }

    @Test
    void withAPasswordEveryoneNeedsItLoopbackIncludedAsUserSource() {
        assertThat(IngestAuth.check("pw", basic("source", "pw"), REMOTE)).isEmpty();
        assertThat(IngestAuth.check("pw", null, LOOPBACK)).isPresent();
        assertThat(IngestAuth.check("pw", basic("source", "pW"), LOOPBACK)).isPresent();
        assertThat(IngestAuth.check("pw", basic("source", "pw2"), LOOPBACK)).isPresent();
        assertThat(IngestAuth.check("pw", basic("someone", "pw"), REMOTE)).isPresent();
        assertThat(IngestAuth.check("pw", "Basic !!!", REMOTE)).isPresent();
        assertThat(IngestAuth.check("pw", "Bearer pw", REMOTE)).isPresent();
        assertThat(IngestAuth.check("p:w", basic("source", "p:w"), REMOTE)).as("colons in passwords").isEmpty();
    }
}
