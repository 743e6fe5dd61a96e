package io.mp3cast.live.push;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.PacedSourceFeed;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.time.PacingClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.mp3.SilentFrame;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.ManualClock;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushFeedTest {
    private static final int RATE = 24000;
    private static final PcmFormat F32 = PcmFormat.floatMono(RATE);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Every frame a stream publishes, in order. */
    static final class Published implements StreamObserver {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public synchronized void onFrames(LiveStream stream, long head) {
            stream.read(head - 1, head, (d, o, n) -> frames.add(Arrays.copyOfRange(d, o, o + n)));
        }

        synchronized int count() {
            return frames.size();
        }

        synchronized byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames.forEach(out::writeBytes);
            return out.toByteArray();
        }

        synchronized List<byte[]> list() {
            return new ArrayList<>(frames);
        }
    }

    /**
     * A feed whose pacer has already looked once, found no audio and sleeps until its next poll.
     * Without the wait, the pacer's first look races the test's first writes: if it finds audio
     * already pushed it starts pacing at the current time, otherwise at its next poll, and the same
     * clock advance then publishes a frame more or a frame less.
     */
    private PushFeed feed(ManualClock clock, PushSettings settings, Published published) {
        PushFeed feed = feed(clock, settings, published, Optional::empty);
        clock.awaitIdle();
        return feed;
    }

    private PushFeed feed(PacingClock clock, PushSettings settings, Published published,
                          java.util.function.Supplier<Optional<LiveStream>> fallback) {
        PushFeed feed = new PushFeed(EncoderSettings.cbr(64), settings, clock, fallback);
        LiveStream stream = new LiveStream("/push.mp3");
        stream.addObserver(published);
        feed.start(stream);
        toClose.add(feed);
        return feed;
    }

    static byte[] f32le(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            b.putFloat(s);
        }
        return b.array();
    }

    @Test
    void pcmPushedInOddSizedChunksGivesTheSameFramesAsPushedAtOnce() throws Exception {
        float[] tone = Signals.toneMix(RATE, 2 * RATE, 0.5, 440, 1250);
        byte[] bytes = f32le(tone);
        ManualClock clockA = new ManualClock();
        ManualClock clockB = new ManualClock();
        Published a = new Published();
        Published b = new Published();
        PushFeed feedA = feed(clockA, PushSettings.DEFAULT, a);
        PushFeed feedB = feed(clockB, PushSettings.DEFAULT, b);

        try (Producer once = feedA.connect("once", Pacing.REAL_TIME, false).orElseThrow()) {
            once.beginPcm(F32);
            once.write(bytes, 0, bytes.length);
        }
        try (Producer odd = feedB.connect("odd", Pacing.REAL_TIME, false).orElseThrow()) {
            odd.beginPcm(F32);
            int[] sizes = {1, 7, 13, 1001, 3, 4, 2};
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int n = Math.min(sizes[i % sizes.length], bytes.length - at);
                odd.write(bytes, at, n);
                at += n;
            }
            assertThat(odd.sampleFramesIn()).isEqualTo(tone.length);
            assertThat(odd.droppedBytes()).isZero();
        }
        clockA.advanceMillis(3000);
        clockB.advanceMillis(3000);

        assertThat(b.bytes()).isEqualTo(a.bytes());
        assertThat(a.count()).isBetween(3000 / 24 - 1, 3000 / 24 + 1);
        Decoded decoded = Mp3Decoding.decode(a.bytes());
        int lag = AudioMath.bestLag(tone, decoded.channel(0), 3000);
        assertThat(AudioMath.correlation(tone, 0, decoded.channel(0), lag, tone.length - RATE / 10)).isGreaterThan(0.99);
        assertThat(AudioMath.rms(decoded.channel(0), 2 * RATE + 4000, RATE / 2)).isLessThan(1e-3);
    }

    @Test
    void aSourceThatLeavesIsFollowedBySilenceAndTheNextSourceContinuesTheSameStream() throws Exception {
        ManualClock clock = new ManualClock();
        Published published = new Published();
        PushFeed feed = feed(clock, PushSettings.DEFAULT, published);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.IDLE);
        push(feed, Signals.toneMix(RATE, RATE, 0.5, 440));
        clock.advanceMillis(2000);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.SILENCE);
        push(feed, Signals.toneMix(RATE, RATE, 0.5, 880));
        clock.advanceMillis(2000);

        assertThat(published.count()).isBetween(4000 / 24 - 1, 4000 / 24 + 1);
        float[] pcm = Mp3Decoding.decode(published.bytes()).channel(0);
        assertThat(AudioMath.dominantFrequencyHz(pcm, 2400, 19200, RATE, 300, 1000)).isEqualTo(440.0);
        assertThat(AudioMath.rms(pcm, (int) (1.2 * RATE), (int) (0.7 * RATE))).isLessThan(1e-3);
        assertThat(AudioMath.dominantFrequencyHz(pcm, 2 * RATE + 2400, 19200, RATE, 300, 1000)).isEqualTo(880.0);
        assertThat(AudioMath.rms(pcm, (int) (3.2 * RATE), (int) (0.7 * RATE))).isLessThan(1e-3);
    }

    private static void push(PushFeed feed, float[] samples) {
        try (Producer s = feed.connect("test", Pacing.REAL_TIME, false).orElseThrow()) {
            s.beginPcm(F32);
            byte[] bytes = f32le(samples);
            s.write(bytes, 0, bytes.length);
        }
    }

    @Test
    void writesReportNoRoomPastTheBufferAndRoomReturnsAsThePacerPlaysItOut() throws Exception {
        ManualClock clock = new ManualClock();
        Published published = new Published();
        PushFeed feed = feed(clock, PushSettings.DEFAULT.withBufferMillis(1000), published);
        Producer source = feed.connect("fast", Pacing.REAL_TIME, false).orElseThrow();
        source.beginPcm(F32);
        byte[] chunk = f32le(Signals.toneMix(RATE, RATE / 10, 0.5, 440));
        int chunks = 0;
        while (source.write(chunk, 0, chunk.length)) {
            chunks++;
        }
        assertThat(chunks).isBetween(9, 11);
        assertThat(feed.bufferedMillis()).isBetween(1000L, 1100L);
        AtomicBoolean room = new AtomicBoolean();
        source.whenRoom(() -> room.set(true));

        clock.advanceMillis(150);
        assertThat(room).isFalse();
        clock.advanceMillis(200);
        assertThat(room).isTrue();
        assertThat(feed.peakBufferedMillis()).isLessThanOrEqualTo(1100);
        assertThat(source.hasRoom()).isTrue();
        source.close();
    }

    @Test
    void mp3IsPassedThroughFrameForFrameWithGarbageSkippedThenSilentFramesOfTheSameShape() throws Exception {
        byte[] mp3 = Encoding.encode(PcmFormat.of(44100, 2, SampleEncoding.FLOAT32_LE), EncoderSettings.cbr(128),
                Signals.interleave(Signals.toneMix(44100, 44100, 0.5, 440), Signals.toneMix(44100, 44100, 0.5, 660)));
        List<byte[]> frames = split(mp3);
        byte[] garbage = new byte[777];
        Arrays.fill(garbage, (byte) 0x55);
        ByteArrayOutputStream pushed = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            pushed.writeBytes(frames.get(i));
            if (i == frames.size() / 2) {
                pushed.writeBytes(garbage);
            }
        }
        byte[] body = pushed.toByteArray();
        ManualClock clock = new ManualClock();
        Published published = new Published();
        PushFeed feed = feed(clock, PushSettings.DEFAULT, published);
        Producer source = feed.connect("icecast", Pacing.REAL_TIME, false).orElseThrow();
        source.beginMp3();
        for (int at = 0; at < body.length; at += 333) {
            source.write(body, at, Math.min(333, body.length - at));
        }
        source.close();
        assertThat(source.skippedBytes()).isEqualTo(garbage.length);
        assertThat(source.mp3FramesIn()).isEqualTo(frames.size());
        clock.advanceMillis(2000);

        List<byte[]> out = published.list();
        assertThat(out.size()).isGreaterThan(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(out.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
        }
        byte[] silent = SilentFrame.like(frames.get(0), 0);
        for (int i = frames.size(); i < out.size(); i++) {
            assertThat(out.get(i)).as("frame %d", i).isEqualTo(silent);
        }
        Decoded decoded = Mp3Decoding.decode(published.bytes());
        assertThat(decoded.channels()).isEqualTo(2);
        assertThat(AudioMath.rms(decoded.channel(1), 44100 + 4000, 20000)).isLessThan(1e-3);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.SILENCE);
    }

    static List<byte[]> split(byte[] mp3) {
        List<byte[]> frames = new ArrayList<>();
        FrameSplitter splitter = new FrameSplitter();
        splitter.feed(mp3, 0, mp3.length, (d, o, n) -> frames.add(Arrays.copyOfRange(d, o, o + n)));
        splitter.end((d, o, n) -> frames.add(Arrays.copyOfRange(d, o, o + n)));
        return frames;
    }

    @Test
    void aSecondSourceIsRefusedUnlessItTakesOverWhichDetachesTheFirst() throws Exception {
        ManualClock clock = new ManualClock();
        PushFeed feed = feed(clock, PushSettings.DEFAULT, new Published());
        Producer first = feed.connect("first", Pacing.REAL_TIME, false).orElseThrow();
        AtomicBoolean detached = new AtomicBoolean();
        first.onDetached(() -> detached.set(true));
        assertThat(feed.connect("second", Pacing.REAL_TIME, false)).isEmpty();
        assertThat(first.isAttached()).isTrue();

        Producer third = feed.connect("third", Pacing.REAL_TIME, true).orElseThrow();
        assertThat(detached).isTrue();
        assertThat(first.isAttached()).isFalse();
        assertThat(feed.producer()).containsSame(third);
        first.close();
        assertThat(feed.producer()).containsSame(third);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.LIVE);
    }

    @Test
    void withoutASourceTheFallbackStreamIsRelayedUntilOneComes() throws Exception {
        ManualClock clock = new ManualClock(2);
        LiveStream fallbackStream = new LiveStream("/fallback.mp3");
        PacedSourceFeed fallbackFeed = new PacedSourceFeed(AudioSources.tone(RATE, 880), EncoderSettings.cbr(64),
                clock, "tone");
        toClose.add(fallbackFeed);
        fallbackFeed.start(fallbackStream);
        Published published = new Published();
        PushFeed feed = feed(clock, PushSettings.DEFAULT, published, () -> Optional.of(fallbackStream));

        clock.advanceMillis(1000);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.FALLBACK);
        int relayed = published.count();
        assertThat(relayed).isBetween(1000 / 24 - 3, 1000 / 24 + 1);
        push(feed, Signals.toneMix(RATE, RATE, 0.5, 440));
        clock.advanceMillis(1000);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.LIVE);
        clock.advanceMillis(1000);
        assertThat(feed.playoutState()).isEqualTo(PlayoutState.FALLBACK);

        float[] pcm = Mp3Decoding.decode(published.bytes()).channel(0);
        assertThat(AudioMath.dominantFrequencyHz(pcm, 4800, 9600, RATE, 300, 1000)).isEqualTo(880.0);
        int sourceStart = relayed * 576;
        assertThat(AudioMath.dominantFrequencyHz(pcm, sourceStart + 4800, 14400, RATE, 300, 1000)).isEqualTo(440.0);
        assertThat(AudioMath.dominantFrequencyHz(pcm, pcm.length - 9600, 9600, RATE, 300, 1000)).isEqualTo(880.0);
    }

    @Test
    void anUnpacedSourceIsPublishedAsFastAsItArrives() throws Exception {
        Published published = new Published();
        PushFeed feed = feed(PacingClock.SYSTEM, PushSettings.DEFAULT.withBufferMillis(1000), published, Optional::empty);
        Producer source = feed.connect("download", Pacing.NONE, false).orElseThrow();
        source.beginPcm(F32);
        byte[] chunk = f32le(Signals.toneMix(RATE, RATE, 0.5, 440));
        for (int i = 0; i < 30; i++) {
            source.write(chunk, 0, chunk.length);
        }
        awaitTrue("30 s of frames published", () -> published.count() >= 30 * 1000 / 24 - 5);
        source.close();
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
}
