package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static io.mp3cast.server.ServerFixture.toneServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.time.Scheduler;
import org.junit.jupiter.api.Test;

/** Issue 14, item 1: connections are capped in all and per address; past a cap, 503 and close, and accepting goes on. */
class ConnectionCapTest {

    @Test
    void pastTheTotalCapAConnectionGets503AndIsClosedAndOnceOthersLeaveNewOnesAreServed() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3"))
                .limits(ConnectionLimits.DEFAULT.withMaxConnections(50).withMaxConnectionsPerIp(0)).start()) {
            try (Crowd held = Crowd.connect(server.port(), 50, null, "")) {
                await("connections", server::openConnections, 50, 10_000);
                try (Crowd turnedAway = Crowd.connect(server.port(), 20, null, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n")) {
                    assertThat(turnedAway.awaitAllClosed(10_000)).isZero();
                    for (Crowd.Member m : turnedAway.members()) {
                        assertThat(m.received()).startsWith("HTTP/1.1 503 Service Unavailable")
                                .contains("too many connections (50)").contains("X-Request-Id: ");
                    }
                }
                held.poll(200);
                assertThat(held.open()).as("the connections within the cap are untouched").isEqualTo(50);
            }
            await("connections", server::openConnections, 0, 10_000);
            try (RawHttp late = RawHttp.get(server.port(), "/status.json")) {
                assertThat(late.status).isEqualTo(200);
            }
        }
    }

    @Test
    void pastThePerAddressCapOneAddressGets503WhileAnotherIsStillServed() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3"))
                .limits(ConnectionLimits.DEFAULT.withMaxConnectionsPerIp(10)).start();
             Crowd fromOne = Crowd.connect(server.port(), 10, "127.0.0.1", "")) {
            await("connections", server::openConnections, 10, 10_000);
            try (Crowd more = Crowd.connect(server.port(), 5, "127.0.0.1", "")) {
                assertThat(more.awaitAllClosed(10_000)).isZero();
                assertThat(more.members().get(0).received()).startsWith("HTTP/1.1 503 ")
                        .contains("too many connections from your address (10)");
            }
            try (Crowd fromAnother = Crowd.connect(server.port(), 5, "127.0.0.2",
                    "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n")) {
                for (int i = 0; i < 50 && !fromAnother.members().get(4).received().contains("\"mounts\""); i++) {
                    fromAnother.poll(100);
                }
                for (Crowd.Member m : fromAnother.members()) {
                    assertThat(m.received()).startsWith("HTTP/1.1 200 OK");
                }
            }
        }
    }

    @Test
    void anExemptPathIsStillAnsweredPastTheCapAndOthersAreNot() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3"))
                .limits(ConnectionLimits.DEFAULT.withMaxConnections(5).withMaxConnectionsPerIp(0))
                .connectionCapExemption(path -> path.equals("/status.json")).start();
             Crowd held = Crowd.connect(server.port(), 5, null, "")) {
            await("connections", server::openConnections, 5, 10_000);
            try (RawHttp health = RawHttp.get(server.port(), "/status.json")) {
                assertThat(health.status).isEqualTo(200);
            }
            try (RawHttp other = RawHttp.get(server.port(), "/stream.mp3")) {
                assertThat(other.status).isEqualTo(503);
                assertThat(new String(other.readAll())).contains("too many connections");
                assertThat(other.serverClosed()).isTrue();
            }
        }
    }

    @Test
    void healthChecksAreExemptByDefault() throws Exception {
        try (Mp3CastServer server = toneServer(Scheduler.manual(), MountConfig.of("/stream.mp3"))
                .limits(ConnectionLimits.DEFAULT.withMaxConnections(3).withMaxConnectionsPerIp(0)).start();
             Crowd held = Crowd.connect(server.port(), 3, null, "")) {
            await("connections", server::openConnections, 3, 10_000);
            try (RawHttp health = RawHttp.get(server.port(), "/healthz")) {
                assertThat(health.status).isEqualTo(200);
            }
            try (RawHttp status = RawHttp.get(server.port(), "/status.json")) {
                assertThat(status.status).isEqualTo(503);
            }
        }
    }
}
