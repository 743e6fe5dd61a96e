package io.mp3cast.server;

import static io.mp3cast.server.IcecastSourceTest.awaitTrue;
import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.ManualClock;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketIngestTest {

    /** Remembers how the server closed the socket. */
    static final class Closing implements WebSocket.Listener {
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @Test
    void binaryMessagesOfPcmAtTheMountPathReachAListener() throws Exception {
        float[] tone = Signals.toneMix(24000, 2 * 24000, 0.5, 440, 1250);
        byte[] body = Pusher.f32le(tone);
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock).start()) {
            Closing closing = new Closing();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws.mp3?format=f32le&rate=24000&channels=1"),
                            closing).get(20, TimeUnit.SECONDS);
            int[] sizes = {4095, 1, 7, 10_001};
            int at = 0;
            for (int i = 0; at < body.length; i++) {
                int n = Math.min(sizes[i % sizes.length], body.length - at);
                ws.sendBinary(ByteBuffer.wrap(body, at, n), true).get(20, TimeUnit.SECONDS);
                at += n;
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
            assertThat(closing.closed.get(20, TimeUnit.SECONDS)).startsWith("1000");

            Mount mount = server.mount("/ws.mp3");
            awaitTrue("source gone", () -> mount.pushFeed().orElseThrow().producer().isEmpty());
            try (RawHttp listener = RawHttp.get(server.port(), "/ws.mp3")) {
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(3000);
                mount.stop();
                Decoded decoded = Mp3Decoding.decode(listener.readAll());
                int lag = AudioMath.bestLag(tone, decoded.channel(0), 3000);
                assertThat(AudioMath.alignedCorrelation(tone, decoded.channel(0), lag)).isGreaterThanOrEqualTo(0.99);
            }
        }
    }

    @Test
    void aWebSocketWithoutAFormatIsRefusedBeforeTheUpgradeAndTextMessagesCloseIt() throws Exception {
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = PcmPushTest.pushServer(clock).start()) {
            String base = "ws://127.0.0.1:" + server.port() + "/ws.mp3";
            assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(base + "?format=u8"), new Closing()).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);

            Closing closing = new Closing();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(base + "?format=s16le&rate=16000"), closing).get(20, TimeUnit.SECONDS);
            ws.sendText("hello", true).get(20, TimeUnit.SECONDS);
            assertThat(closing.closed.get(20, TimeUnit.SECONDS)).startsWith("1003").contains("binary");
        }
    }
}
