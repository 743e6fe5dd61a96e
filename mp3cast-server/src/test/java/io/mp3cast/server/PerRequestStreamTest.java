package io.mp3cast.server;

import static io.mp3cast.server.ServerFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.source.AudioSources;
import io.mp3cast.source.PacedSource;
import io.mp3cast.source.AudioSource;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PerRequestStreamTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final HttpClient http = HTTP;

    @Test
    void aToneRequestDecodesToThreeSecondsAt440Hz() throws Exception {
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).demoRoutes().start()) {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/tone.mp3?hz=440&seconds=3")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValue("audio/mpeg");
            assertThat(res.headers().firstValue("cache-control")).hasValue("no-cache, no-store, must-revalidate");

            Mp3Bytes.frames(res.body());
            Decoded d = Mp3Decoding.decode(res.body());
            assertThat(d.sampleRateHz()).isEqualTo(24000);
            // All 3 s come out, plus at most the encoder's delay and the last frame's padding.
            assertThat(d.length()).isBetween(3 * 24000, 3 * 24000 + Mp3Decoding.CODEC_DELAY_SAMPLES + 576);
            assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 6000, 48000, 24000, 300, 600)).isEqualTo(440.0);
        }
    }

    @Test
    void aRealTimePacedRequestCarriesTheSameMp3AsAnUnpacedOne() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).demoRoutes()
                .start()) {
            byte[] paced;
            byte[] unpaced;
            try (RawHttp r = RawHttp.get(server.port(), "/chirp.mp3?seconds=0.5&pace=realtime")) {
                assertThat(r.status).isEqualTo(200);
                clock.advanceMillis(600);
                paced = r.readAll();
            }
            try (RawHttp r = RawHttp.get(server.port(), "/chirp.mp3?seconds=0.5")) {
                clock.runDue();  // unpaced: the whole stream at once, no time passing
                unpaced = r.readAll();
            }
            // One continuous encoder: chunk sizes (2 ms, then 20-100 ms paced steps; 500 ms unpaced) leave no trace.
            assertThat(paced).isEqualTo(unpaced);
            assertThat(Mp3Bytes.frames(paced)).isGreaterThanOrEqualTo(20);
        }
    }

    /**
     * {@code burst-ms} on a paced demo stream: its producer has that much ready, so those frames
     * leave before the clock moves at all; then real time, and the same MP3 as an unpaced stream.
     */
    @Test
    void aPacedStreamsBurstLeavesAtOnceAndTheRestInRealTime() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).demoRoutes()
                .start()) {
            byte[] paced;
            try (RawHttp r = RawHttp.get(server.port(), "/tone.mp3?seconds=2&pace=realtime&burst-ms=500")) {
                assertThat(r.status).isEqualTo(200);
                clock.runDue();
                // 500 ms is 20.8 frames of 24 ms at 192 bytes; LAME holds the last one or two back.
                byte[] burst = r.readExactly(18 * 192);
                assertThat(Mp3Bytes.frames(burst)).isEqualTo(18);
                clock.advanceMillis(1600);
                paced = Pusher.concat(burst, r.readAll());
            }
            byte[] unpaced;
            try (RawHttp r = RawHttp.get(server.port(), "/tone.mp3?seconds=2")) {
                clock.runDue();
                unpaced = r.readAll();
            }
            assertThat(paced).isEqualTo(unpaced);
        }
    }

    @Test
    void aPacedStreamsFirstWholeFrameLeavesOnceTheSourceHasHandedOverTheSamplesItNeeds() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .route("/paced.mp3", EncoderSettings.cbr(64),
                        req -> new PacedSource(AudioSources.tone(24000, 440), req.clock(), 20, 100))
                .start();
             RawHttp client = RawHttp.get(server.port(), "/paced.mp3")) {
            assertThat(client.status).isEqualTo(200);
            // LAME completes its first 24 kHz frame once it holds 1392 samples, due 58.0 ms in. Reads
            // of whole 20 ms steps would have 960 by then and wait for 60 ms.
            clock.advanceMillis(58);
            byte[] head = client.readExactly(4);
            FrameHeader h = FrameHeader.parse(head, 0);
            assertThat(h.sampleRateHz()).isEqualTo(24000);
            byte[] rest = client.readExactly(h.frameLengthBytes() - 4);
            assertThat(rest).hasSize(h.frameLengthBytes() - 4);
        }
    }

    @Test
    void pacedStreamsOfBuiltInSourcesCostNoThreadAndEachGetsItsAudioOnTime() throws Exception {
        Scheduler clock = Scheduler.manual();
        int streams = 20;
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).demoRoutes()
                .start()) {
            Set<String> before = threadNames();
            List<RawHttp> clients = new ArrayList<>();
            try {
                for (int i = 0; i < streams; i++) {
                    clients.add(RawHttp.get(server.port(), "/tone.mp3?seconds=2&pace=realtime&step-ms=100"));
                }
                assertThat(server.openStreams()).isEqualTo(streams);
                Set<String> added = threadNames();
                added.removeAll(before);
                assertThat(added).as("threads started for %d streams", streams)
                        .allMatch(name -> name.startsWith("mp3cast-io-"));
                clock.advanceMillis(2100);
                for (RawHttp c : clients) {
                    Decoded d = Mp3Decoding.decode(c.readAll());
                    assertThat(d.length()).isBetween(2 * 24000, 2 * 24000 + Mp3Decoding.CODEC_DELAY_SAMPLES + 576);
                    assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 6000, 24000, 24000, 300, 600)).isEqualTo(440.0);
                }
            } finally {
                for (RawHttp c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aSourceThatBlocksIsReadOffTheSchedulerAndItsSamplesAllArrive() throws Exception {
        BlockingQueue<float[]> chunks = new ArrayBlockingQueue<>(100);
        AtomicReference<String> readerThread = new AtomicReference<>();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .route("/queued.mp3", EncoderSettings.cbr(64), req -> new QueueSource(chunks, readerThread))
                .start();
             RawHttp client = RawHttp.get(server.port(), "/queued.mp3")) {
            assertThat(client.status).isEqualTo(200);
            float[] tone = new float[3 * 24000];
            AudioSources.tone(24000, 440).read(tone, 0, tone.length);
            for (int off = 0; off < tone.length; off += 2400) {  // 100 ms at a time, as a synthesizer hands them over
                chunks.put(java.util.Arrays.copyOfRange(tone, off, off + 2400));
            }
            chunks.put(new float[0]);  // the end
            Decoded d = Mp3Decoding.decode(client.readAll());
            assertThat(d.length()).isBetween(3 * 24000, 3 * 24000 + Mp3Decoding.CODEC_DELAY_SAMPLES + 576);
            assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 6000, 48000, 24000, 300, 600)).isEqualTo(440.0);
            assertThat(readerThread.get()).as("the thread that read the source").doesNotStartWith("mp3cast-playout");
        }
    }

    @Test
    void aClientThatLeavesWhileTheSourceIsBlockedInAReadGetsTheSourceClosedAndTheStreamFreed() throws Exception {
        BlockingQueue<float[]> never = new ArrayBlockingQueue<>(1);
        AtomicBoolean closed = new AtomicBoolean();
        CountDownLatch reading = new CountDownLatch(1);
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .route("/stuck.mp3", EncoderSettings.cbr(64), req -> new QueueSource(never, new AtomicReference<>()) {
                    @Override
                    public int read(float[] buffer, int offset, int length) throws IOException {
                        reading.countDown();
                        return super.read(buffer, offset, length);
                    }

                    @Override
                    public void close() {
                        closed.set(true);
                    }
                })
                .start()) {
            RawHttp client = RawHttp.get(server.port(), "/stuck.mp3");
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.openStreams()).isEqualTo(1);
            client.close();
            await("open streams", server::openStreams, 0, 5000);
            assertThat(closed).isTrue();
        }
    }

    @Test
    void closingTheServerClosesTheSourcesOfItsOpenStreams() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicLong read = new AtomicLong();
        Scheduler clock = Scheduler.manual();
        Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .route("/endless.mp3", EncoderSettings.cbr(64), req -> new PacedSource(
                        new CountingSilence(read, closed), req.clock(), 20, 100))
                .start();
        try (RawHttp client = RawHttp.get(server.port(), "/endless.mp3")) {
            clock.advanceMillis(200);  // the source may block: its reads go to the reader pool
            assertThat(server.openStreams()).isEqualTo(1);
            server.close();
            assertThat(closed).isTrue();
            assertThat(server.openStreams()).isZero();
            assertThat(client.serverClosed()).isTrue();
        }
    }

    @Test
    void moreStreamsThanTheLimitGet503() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock).demoRoutes()
                .maxOpenStreams(1).start()) {
            try (RawHttp first = RawHttp.get(server.port(), "/silence.mp3?seconds=60&pace=realtime")) {
                assertThat(first.status).isEqualTo(200);
                clock.advanceMillis(100);  // digital silence: LAME's first whole frame comes after 80 ms, a tone's at 58
                first.readExactly(4);
                try (RawHttp second = RawHttp.get(server.port(), "/silence.mp3")) {
                    assertThat(second.status).isEqualTo(503);
                }
            }
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamLeavesNoOpenStreamWithinOneSecondAndTheSourceIsClosed() throws Exception {
        AtomicBoolean sourceClosed = new AtomicBoolean();
        AtomicLong samplesRead = new AtomicLong();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .route("/endless.mp3", EncoderSettings.cbr(64), req -> new CountingSilence(samplesRead, sourceClosed))
                .start()) {
            RawHttp client = RawHttp.get(server.port(), "/endless.mp3");
            assertThat(client.status).isEqualTo(200);
            client.readExactly(20_000);
            assertThat(openStreams(server)).isEqualTo(1);

            client.close();
            long closedAt = System.nanoTime();
            await("open streams in status.json", () -> openStreams(server), 0, 1000);
            long tookMillis = (System.nanoTime() - closedAt) / 1_000_000;

            assertThat(sourceClosed).isTrue();
            assertThat(tookMillis).isLessThan(1000);
        }
    }

    @ParameterizedTest(name = "a source that {0}")
    @ValueSource(strings = {"may block (read on the reader pool)", "never blocks (read on the scheduler)"})
    void aClientThatStopsReadingStopsTheSourceInsteadOfBufferingWithoutBound(String kind) throws Exception {
        AtomicBoolean sourceClosed = new AtomicBoolean();
        AtomicLong samplesRead = new AtomicLong();
        boolean blocks = kind.startsWith("may block");
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .route("/endless.mp3", EncoderSettings.cbr(64), req -> blocks
                        ? new CountingSilence(samplesRead, sourceClosed) : new NeverBlocking(samplesRead, sourceClosed))
                .start()) {
            try (RawHttp client = RawHttp.request(server.port(), "GET", "/endless.mp3", "HTTP/1.1", 4096)) {
                client.readExactly(1000);
                long before;
                long after = samplesRead.get();
                int rounds = 0;
                do {  // wait until the source stops advancing: backpressure reached it
                    before = after;
                    Thread.sleep(200);
                    after = samplesRead.get();
                } while (after != before && ++rounds < 100);
                assertThat(after).as("the source stopped: backpressure reached it").isEqualTo(before);
                // 64 kbps = 8000 bytes per second of 24 kHz audio; kernel and Netty buffers hold well under 100 s.
                assertThat(after / 24000).isLessThan(100);
            }
        }
    }

    static int openStreams(Mp3CastServer server) {
        try {
            String json = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"openStreams\":(\\d+)").matcher(json);
            if (!m.find()) {
                throw new AssertionError("no openStreams in " + json);
            }
            return Integer.parseInt(m.group(1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    /**
     * A source that blocks until its chunks come, as a synthesizer's would (an empty chunk ends it);
     * it keeps the name of the thread that read it.
     */
    static class QueueSource implements AudioSource {
        private final BlockingQueue<float[]> chunks;
        private final AtomicReference<String> readerThread;
        private float[] current = new float[0];
        private int used;

        QueueSource(BlockingQueue<float[]> chunks, AtomicReference<String> readerThread) {
            this.chunks = chunks;
            this.readerThread = readerThread;
        }

        @Override
        public PcmFormat format() {
            return PcmFormat.floatMono(24000);
        }

        @Override
        public int read(float[] buffer, int offset, int length) throws IOException {
            readerThread.set(Thread.currentThread().getName());
            if (used == current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("read interrupted");
                }
                used = 0;
                if (current.length == 0) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length - used);
            System.arraycopy(current, used, buffer, offset, n);
            used += n;
            return n;
        }
    }

    /** Endless silence that counts what was read and records its closing. */
    static class CountingSilence implements AudioSource {
        private final AtomicLong samplesRead;
        private final AtomicBoolean closed;

        CountingSilence(AtomicLong samplesRead, AtomicBoolean closed) {
            this.samplesRead = samplesRead;
            this.closed = closed;
        }

        @Override
        public PcmFormat format() {
            return PcmFormat.floatMono(24000);
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            java.util.Arrays.fill(buffer, offset, offset + length, 0f);
            samplesRead.addAndGet(length);
            return length;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** {@link CountingSilence} that says it never blocks, so the server reads it on its scheduler. */
    static final class NeverBlocking extends CountingSilence {
        NeverBlocking(AtomicLong samplesRead, AtomicBoolean closed) {
            super(samplesRead, closed);
        }

        @Override
        public long nanosUntilReadable(int length) {
            return 0;
        }
    }
}
