package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.mp3.SilentFrame;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.time.PacingClock;
import io.mp3cast.live.push.PlayoutState;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.ManualClock;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcecastSourceTest {
    static final String PASSWORD = "hackme";

    static Mp3CastServer.Builder icecastServer(PacingClock clock) {
        return Mp3CastServer.builder().host("127.0.0.1").port(0).pacingClock(clock)
                .ingest(IngestSettings.DEFAULT.withSourcePassword(PASSWORD));
    }

    /** Two seconds of a stereo tone at 44.1 kHz, 128 kbps, as whole frames. */
    static List<byte[]> stereoFrames(double seconds) {
        int n = (int) (seconds * 44100);
        byte[] mp3 = Encoding.encode(PcmFormat.of(44100, 2, SampleEncoding.FLOAT32_LE), EncoderSettings.cbr(128),
                Signals.interleave(Signals.toneMix(44100, n, 0.5, 440), Signals.toneMix(44100, n, 0.5, 660)));
        return split(mp3);
    }

    static List<byte[]> split(byte[] mp3) {
        List<byte[]> frames = new ArrayList<>();
        FrameSplitter splitter = new FrameSplitter();
        splitter.feed(mp3, 0, mp3.length, (d, o, len) -> frames.add(Arrays.copyOfRange(d, o, o + len)));
        splitter.end((d, o, len) -> frames.add(Arrays.copyOfRange(d, o, o + len)));
        return frames;
    }

    static byte[] join(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** An ID3v2.4 tag as ffmpeg puts before its stream: header, then {@code payload} zero bytes. */
    static byte[] id3(int payload) {
        byte[] tag = new byte[10 + payload];
        tag[0] = 'I';
        tag[1] = 'D';
        tag[2] = '3';
        tag[3] = 4;
        tag[9] = (byte) payload;
        return tag;
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 20 s");
            }
            Thread.sleep(5);
        }
    }

    static String status(Mp3CastServer server) {
        try {
            return StatusTest.get(server.port(), "/status.json");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIcecastSourceShapedLikeFfmpegsReachesListenersFrameForFrameWithGarbageSkippedAndCounted() throws Exception {
        List<byte[]> frames = stereoFrames(2);
        byte[] garbage = new byte[500];
        Arrays.fill(garbage, (byte) 'A');
        int half = frames.size() / 2;
        byte[] body = Pusher.concat(id3(35), join(frames.subList(0, half)), garbage, join(frames.subList(half, frames.size())));
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = icecastServer(clock).start()) {
            RawHttp listener;
            try (Pusher source = Pusher.icecast(server.port(), "/live.mp3", PASSWORD, "Ice-Name: Test radio",
                    "Ice-Genre: tests")) {
                source.writeInPieces(body, 333, 1, 4000, 17);
                awaitTrue("garbage counted in status.json", () -> status(server).contains("\"skippedBytes\":500"));
                assertThat(status(server)).contains("\"state\":\"live\"", "\"connected\":true", "\"tagBytes\":45",
                        "\"format\":\"MP3\"");
                listener = RawHttp.get(server.port(), "/live.mp3");
                assertThat(listener.headers).containsEntry("icy-name", "Test radio").containsEntry("icy-genre", "tests");
                await("listeners", server.mount("/live.mp3")::listeners, 1, 10_000);
            }
            Mount mount = server.mount("/live.mp3");
            awaitTrue("source gone", () -> mount.pushFeed().orElseThrow().producer().isEmpty());
            clock.advanceMillis(3000);
            assertThat(status(server)).contains("\"state\":\"silence\"", "\"connected\":false");
            mount.stop();
            byte[] heard = listener.readAll();
            listener.close();

            List<byte[]> got = split(heard);
            assertThat(got.size()).isBetween(3000 * 1000 / 26122 - 1, 3000 * 1000 / 26122 + 1);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(got.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
            }
            byte[] silent = SilentFrame.like(frames.get(0), 0);
            for (int i = frames.size(); i < got.size(); i++) {
                assertThat(got.get(i)).as("frame %d", i).isEqualTo(silent);
            }
            assertThat(Mp3Decoding.decode(heard).channels()).isEqualTo(2);
            assertThat(Tools.mpg123Complaints(heard)).isEmpty();
        }
    }

    @Test
    void theLegacySourceMethodPushesMp3Too() throws Exception {
        List<byte[]> frames = stereoFrames(1);
        ManualClock clock = new ManualClock();
        try (Mp3CastServer server = icecastServer(clock).start()) {
            try (Pusher source = Pusher.legacySource(server.port(), "/old.mp3", PASSWORD)) {
                source.writeInPieces(join(frames), 1000);
            }
            Mount mount = server.mount("/old.mp3");
            awaitTrue("source gone", () -> mount.pushFeed().orElseThrow().producer().isEmpty());
            try (RawHttp listener = RawHttp.get(server.port(), "/old.mp3")) {
                assertThat(listener.headers).containsEntry("icy-name", "Legacy");
                await("listeners", mount::listeners, 1, 10_000);
                clock.advanceMillis(1500);
                mount.stop();
                List<byte[]> got = split(listener.readAll());
                assertThat(got.subList(0, frames.size())).usingElementComparator(Arrays::compare).isEqualTo(frames);
            }
        }
    }

    @Test
    void ffmpegsIcecastOutputPassesThroughToListenersByteForByte(@TempDir Path dir) throws Exception {
        String ffmpeg = Tools.require("ffmpeg", "ffmpeg");
        List<byte[]> frames = stereoFrames(2);
        Path in = dir.resolve("in.mp3");
        Files.write(in, join(frames));
        try (Mp3CastServer server = icecastServer(PacingClock.SYSTEM).start()) {
            String url = "icecast://source:" + PASSWORD + "@127.0.0.1:" + server.port() + "/ff.mp3";
            Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-i", in.toString(),
                    "-c:a", "copy", "-f", "mp3", url).redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile())
                    .start();
            byte[] heard = listenUntilSilence(server, "/ff.mp3");
            assertThat(p.waitFor()).as(Files.readString(dir.resolve("ffmpeg.log"))).isZero();

            List<byte[]> got = split(heard);
            int first = indexOf(got, frames.get(0));
            assertThat(first).as("the first pushed frame among those heard").isGreaterThanOrEqualTo(0);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(got.get(first + i)).as("frame %d", i).isEqualTo(frames.get(i));
            }
            assertThat(Tools.mpg123Complaints(heard)).isEmpty();
        }
    }

    @Test
    void ffmpegEncodingLiveToIcecastIsHeardAsTheToneItEncodes(@TempDir Path dir) throws Exception {
        String ffmpeg = Tools.require("ffmpeg", "ffmpeg");
        try (Mp3CastServer server = icecastServer(PacingClock.SYSTEM).start()) {
            String url = "icecast://source:" + PASSWORD + "@127.0.0.1:" + server.port() + "/live.mp3";
            Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                    "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "libmp3lame", "-b:a", "128k",
                    "-f", "mp3", url).redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
            byte[] heard = listenUntilSilence(server, "/live.mp3");
            assertThat(p.waitFor()).as(Files.readString(dir.resolve("ffmpeg.log"))).isZero();

            Decoded decoded = Mp3Decoding.decode(heard);
            assertThat(decoded.sampleRateHz()).isEqualTo(44100);
            float[] pcm = decoded.channel(0);
            int loud = 0;
            for (int at = 0; at + 4410 <= pcm.length; at += 4410) {
                loud += AudioMath.rms(pcm, at, 4410) > 0.03 ? 1 : 0;  // lavfi's sine: amplitude 1/8, RMS 0.088
            }
            assertThat(loud / 10.0).as("seconds of tone heard").isBetween(1.7, 2.2);
            assertThat(Tools.mpg123Complaints(heard)).isEmpty();
        }
    }

    /** Joins once a source created the mount, reads until the source is gone and silence plays, returns the body. */
    private static byte[] listenUntilSilence(Mp3CastServer server, String path) throws Exception {
        awaitTrue("mount created", () -> server.mounts().stream().anyMatch(m -> m.path().equals(path)));
        Mount mount = server.mount(path);
        try (RawHttp listener = RawHttp.get(server.port(), path)) {
            BodyReader reader = BodyReader.start(listener);
            awaitTrue("source connected and gone", () -> mount.pushFeed().orElseThrow().producersConnected() == 1
                    && mount.pushFeed().orElseThrow().playoutState() == PlayoutState.SILENCE);
            long silenceFrom = mount.stream().publishedMicros();
            awaitTrue("half a second of silence", () -> mount.stream().publishedMicros() > silenceFrom + 500_000);
            mount.stop();
            return reader.body();
        }
    }

    private static int indexOf(List<byte[]> frames, byte[] frame) {
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), frame)) {
                return i;
            }
        }
        return -1;
    }
}
