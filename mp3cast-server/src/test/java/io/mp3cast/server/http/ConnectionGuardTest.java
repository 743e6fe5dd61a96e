package io.mp3cast.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {

    @Test
    void ipv4AddressesCountAsThemselvesAndIpv6OnesByTheirSlash64() throws Exception {
        assertThat(ConnectionGuard.key(new InetSocketAddress("192.0.2.7", 1)))
                .isNotEqualTo(ConnectionGuard.key(new InetSocketAddress("192.0.2.8", 1)));
        assertThat(ConnectionGuard.key(new InetSocketAddress("2001:db8:1:2:aaaa::1", 1)))
                .isEqualTo(ConnectionGuard.key(new InetSocketAddress("2001:db8:1:2:ffff:ffff:ffff:ffff", 2)));
        assertThat(ConnectionGuard.key(new InetSocketAddress("2001:db8:1:2::1", 1)))
                .isNotEqualTo(ConnectionGuard.key(new InetSocketAddress("2001:db8:1:3::1", 1)));
    }
}
