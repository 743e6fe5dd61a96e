package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.Pusher;
import io.mp3cast.server.RawHttp;
import io.mp3cast.testing.Encoding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart as an orchestrator does it: a real {@code ./mp3cast serve}, a producer pushing
 * MP3 at real time (2 s ahead, as a producer with some buffer does) and 10 listeners; then SIGTERM.
 * Every listener gets every frame the server accepted before the signal (the producer's final answer
 * says how many), in order, then a clean end of its chunked response; the producer is told to go;
 * the process exits 0 within {@code --drain-ms} + 1 s.
 */
class GracefulStopIT {
    private static final int DRAIN_MILLIS = 5000;
    private static final int LISTENERS = 10;
    private static final Pattern PUSHED = Pattern.compile("pushed (\\d+) MP3 frames");

    @TempDir
    Path dir;

    @Test
    void sigtermPlaysOutWhatWasAcceptedEndsEveryListenerCleanlyAndExitsZero() throws Exception {
        List<byte[]> frames = noiseFrames(30);
        try (ServeProcess serve = ServeProcess.start(dir, null, "--host", "127.0.0.1", "--port", "0",
                "--drain-ms", String.valueOf(DRAIN_MILLIS), "--mount", "/live.mp3=push", "--admin-password", "pw")) {
            Pusher producer = Pusher.icecast(serve.port, "/live.mp3", null);
            Producing producing = new Producing(producer, frames);
            producing.start();
            Thread.sleep(1000);
            List<CompletableFuture<byte[]>> bodies = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(LISTENERS);
            for (int i = 0; i < LISTENERS; i++) {
                RawHttp listener = RawHttp.get(serve.port, "/live.mp3");
                assertThat(listener.status).isEqualTo(200);
                bodies.add(CompletableFuture.supplyAsync(() -> readToEnd(listener), readers));
            }
            Thread.sleep(2000);

            long signalled = System.nanoTime();
            serve.terminate();
            producing.stop = true;
            producing.join(10_000);
            Pusher.Response answer = producer.response();
            boolean exited = serve.process.waitFor(DRAIN_MILLIS + 1000 - elapsedMillis(signalled), TimeUnit.MILLISECONDS);
            long tookMillis = elapsedMillis(signalled);

            assertThat(exited).as("exited within drain-ms + 1 s; stderr:\n%s", serve.stderrText()).isTrue();
            assertThat(serve.process.exitValue()).as(serve.stderrText()).isZero();
            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.body()).contains("server is stopping", "all of it played");
            Matcher m = PUSHED.matcher(answer.body());
            assertThat(m.find()).as(answer.body()).isTrue();
            int accepted = Integer.parseInt(m.group(1));
            assertThat(accepted).as("frames accepted of %d written", producing.written).isBetween(100, producing.written);
            for (CompletableFuture<byte[]> body : bodies) {
                List<byte[]> got = split(body.get(5, TimeUnit.SECONDS));
                int first = indexOf(frames, got.get(0));
                assertThat(first).as("the listener's first frame is one pushed").isGreaterThanOrEqualTo(0);
                assertThat(first + got.size()).as("the listener's last frame is the last accepted").isEqualTo(accepted);
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)).as("frame %d", first + i).isEqualTo(frames.get(first + i));
                }
            }
            readers.shutdown();
            System.out.printf("graceful stop: %d frames accepted, exit after %d ms%n", accepted, tookMillis);
        }
    }

    /** The whole chunked body, which must end with its last chunk (else the read throws). */
    private static byte[] readToEnd(RawHttp listener) {
        try (listener) {
            return listener.readAll();
        } catch (IOException e) {
            throw new AssertionError("listener's response did not end cleanly: " + e, e);
        }
    }

    private static long elapsedMillis(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Frames of 24 kHz mono 64 kbps MP3 of noise: no two alike, so a listener's position is known. */
    static List<byte[]> noiseFrames(int seconds) {
        Random r = new Random(7);
        float[] pcm = new float[24000 * seconds];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (r.nextFloat() * 2 - 1) * 0.3f;
        }
        return split(Encoding.encode(PcmFormat.floatMono(24000), EncoderSettings.cbr(64), pcm));
    }

    static List<byte[]> split(byte[] mp3) {
        List<byte[]> frames = new ArrayList<>();
        FrameSplitter splitter = new FrameSplitter();
        splitter.feed(mp3, 0, mp3.length, (d, o, len) -> frames.add(Arrays.copyOfRange(d, o, o + len)));
        splitter.end((d, o, len) -> frames.add(Arrays.copyOfRange(d, o, o + len)));
        return frames;
    }

    private static int indexOf(List<byte[]> frames, byte[] frame) {
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), frame)) {
                return i;
            }
        }
        return -1;
    }

    /** Writes frames at real time, 2 s ahead, until told to stop or the server stops reading. */
    private static final class Producing extends Thread {
        private final Pusher pusher;
        private final List<byte[]> frames;
        volatile boolean stop;
        volatile int written;

        Producing(Pusher pusher, List<byte[]> frames) {
            super("producer");
            this.pusher = pusher;
            this.frames = frames;
            setDaemon(true);
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                for (int i = 0; i < frames.size() && !stop; i++) {
                    pusher.write(frames.get(i));
                    written = i + 1;
                    long micros = (long) (i + 1) * 1152 * 1_000_000 / 2 / 24000;  // 576 samples a frame
                    long ahead = micros - 2_000_000 - (System.nanoTime() - start) / 1000;
                    if (ahead > 0) {
                        Thread.sleep(ahead / 1000);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the server stopped reading and answered
            }
        }
    }
}
