package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14, item 3: clients that never read cannot hold the per-request stream slots. */
class StreamWriteTimeoutTest {

    @Test
    void clientsThatNeverReadAreClosedAfterTheWriteTimeoutAndTheirSlotsServeOthers() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).demoRoutes().maxOpenStreams(4)
                .limits(ConnectionLimits.DEFAULT.withWriteTimeoutMillis(3000)).start()) {
            List<RawHttp> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawHttp r = RawHttp.request(server.port(), "GET", "/tone.mp3?seconds=3600", "HTTP/1.1", 2048);
                    assertThat(r.status).isEqualTo(200);
                    stalled.add(r);  // and never read
                }
                try (RawHttp refused = RawHttp.get(server.port(), "/tone.mp3?seconds=1")) {
                    assertThat(refused.status).as("every slot is held").isEqualTo(503);
                }
                await("open streams", server::openStreams, 0, 20_000);
                for (RawHttp r : stalled) {
                    assertThat(r.serverClosed()).isTrue();
                }
                try (RawHttp next = RawHttp.get(server.port(), "/tone.mp3?seconds=1")) {
                    assertThat(next.status).isEqualTo(200);
                    assertThat(Mp3Bytes.frames(next.readAll())).isGreaterThan(40);
                }
            } finally {
                for (RawHttp r : stalled) {
                    r.close();
                }
            }
        }
    }
}
