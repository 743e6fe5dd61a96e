package io.mp3cast.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.Mp3CastServer;
import io.mp3cast.server.RawHttp;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Mp3Decoding;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event loops' transport: epoll by default where it loads; {@code -Dmp3cast.transport} picks
 * io_uring, epoll or NIO, a name it does not know is refused naming it, and a live mount plays
 * over io_uring (where the kernel allows it) as over epoll.
 */
class TransportTest {
    @AfterEach
    void clear() {
        System.clearProperty(Transport.PROPERTY);
    }

    @Test
    void thePropertyPicksTheTransportAndAnUnknownOneIsRefusedByName() {
        assertThat(Transport.best()).as("default").isEqualTo(Transport.EPOLL);
        System.setProperty(Transport.PROPERTY, "nio");
        assertThat(Transport.best()).isEqualTo(Transport.NIO);
        System.setProperty(Transport.PROPERTY, "auto");
        assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
        System.setProperty(Transport.PROPERTY, "kqueue");
        assertThatThrownBy(Transport::best).hasMessageContaining("mp3cast.transport not supported: 'kqueue'");
    }

    @Test
    void aLiveMountPlaysOverIoUring() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring does not load here: " + IoUring.unavailabilityCause());
        System.setProperty(Transport.PROPERTY, "io_uring");
        assertThat(Transport.best()).isEqualTo(Transport.IO_URING);
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/a.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64), "tone").start();
             RawHttp listener = RawHttp.get(server.port(), "/a.mp3")) {
            assertThat(listener.status).isEqualTo(200);
            assertThat(Thread.getAllStackTraces().keySet()).as("the server's event loops")
                    .anyMatch(t -> t.getName().startsWith("mp3cast-io-io_uring"));
            float[] pcm = Mp3Decoding.decode(listener.readExactly(16_000)).channel(0);
            assertThat(AudioMath.dominantFrequencyHz(pcm, 2400, 8192, 24000, 200, 2000)).isCloseTo(440, offset(5.0));
        }
    }
}
