package io.mp3cast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.time.Scheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Read as the server's streams read: ask when the next step is due, move the clock there, read. */
class PacedSourceTest {
    private static final long MS = 1_000_000L;
    private final Scheduler clock = Scheduler.manual();
    private final long start = clock.nanoTime();

    private int readWhenDue(AudioSource paced, float[] buf) throws IOException {
        long wait = paced.nanosUntilReadable(buf.length);
        assertThat(wait).isGreaterThanOrEqualTo(0);
        clock.advanceBy(wait);
        assertThat(paced.nanosUntilReadable(buf.length)).isZero();
        return paced.read(buf, 0, buf.length);
    }

    private long elapsedNanos() {
        return clock.nanoTime() - start;
    }

    @Test
    void handsOutNoSampleBeforeItsTimeAndOneSecondOfAudioPerSecond() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.tone(PcmFormat.floatMono(24000), 440), clock, 20);
        float[] buf = new float[4608];
        long frames = 0;
        while (frames < 10 * 24000) {
            int n = readWhenDue(paced, buf);
            frames += n;
            assertThat(frames).isLessThanOrEqualTo(elapsedNanos() * 24000 / 1_000_000_000L);
            assertThat(n).isGreaterThanOrEqualTo(480);
        }
        assertThat(elapsedNanos()).isBetween(10_000 * MS, 10_021 * MS);
        assertThat(paced.framesRead()).isEqualTo(frames);
    }

    @Test
    void theFirstReadWaitsOneStepOnly() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20);
        assertThat(paced.nanosUntilReadable(4608)).isEqualTo(20 * MS);
        assertThat(readWhenDue(paced, new float[4608])).isEqualTo(480);
        assertThat(elapsedNanos()).isEqualTo(20 * MS);
    }

    @Test
    void stepsGrowFromTheFirstToTheLargestAsAudioIsHandedOut() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100);
        float[] buf = new float[24000];
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            steps.add(readWhenDue(paced, buf) / 24);  // milliseconds
        }
        assertThat(steps).containsExactly(20, 20, 20, 30, 45, 67, 100, 100, 100, 100);
    }

    @Test
    void aReaderThatFellBehindGetsEverythingDueAtOnce() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20);
        float[] buf = new float[48000];
        readWhenDue(paced, buf);
        clock.advanceMillis(500);  // a stall of half a second
        assertThat(paced.nanosUntilReadable(buf.length)).isZero();
        assertThat(paced.read(buf, 0, buf.length)).isEqualTo(520 * 24 - 480);  // all due 520 ms in, less the first read
    }

    @Test
    void aReaderThatStartsLateGetsWhatIsDueSinceTheSourceWasMade() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100);
        clock.advanceMillis(30);  // the reader sets up for 30 ms (an encoder opening) before its first read
        assertThat(paced.nanosUntilReadable(4608)).isZero();
        assertThat(paced.read(new float[4608], 0, 4608)).isEqualTo(720);
    }

    @Test
    void aLeadIsDueAtOnceAndTheSourceStaysThatFarAheadOfRealTime() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100, 150);
        float[] buf = new float[24000];
        assertThat(paced.nanosUntilReadable(buf.length)).isZero();
        assertThat(paced.read(buf, 0, buf.length)).as("at once: the lead").isEqualTo(150 * 24);
        assertThat(paced.nanosUntilReadable(buf.length)).as("then a step (75 ms: half the audio out) in real time")
                .isEqualTo(75 * MS);
        clock.advanceMillis(1000);
        assertThat(paced.read(buf, 0, buf.length)).as("a second on: the lead plus a second, all told")
                .isEqualTo(1000 * 24);
        assertThat(paced.framesRead()).isEqualTo(1150 * 24);
        assertThatThrownBy(() -> new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100, 10_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leadMillis");
    }

    @Test
    void countsSampleFramesNotSamplesForStereo() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.tone(new PcmFormat(48000, 2, SampleEncoding.FLOAT32_LE), 440),
                clock, 20);
        float[] buf = new float[2 * 9600];
        long samples = 0;
        while (samples < 2 * 48000) {
            samples += readWhenDue(paced, buf);
        }
        assertThat(samples % 2).isZero();
        assertThat(elapsedNanos()).isBetween(1_000 * MS, 1_021 * MS);
    }

    @Test
    void endsWhenItsSourceEnds() throws Exception {
        AudioSource limited = AudioSources.limit(AudioSources.silence(PcmFormat.floatMono(24000)), 0.1);
        PacedSource paced = new PacedSource(limited, clock, 20);
        float[] buf = new float[4608];
        long frames = 0;
        int n;
        while ((n = readWhenDue(paced, buf)) >= 0) {
            frames += n;
        }
        assertThat(frames).isEqualTo(2400);
    }

    @Test
    void overABlockingSourceItSaysWhenTheStepIsDueAndThenThatTheReadMayBlock() {
        AudioSource blocking = new AudioSource() {
            @Override
            public PcmFormat format() {
                return PcmFormat.floatMono(24000);
            }

            @Override
            public int read(float[] buffer, int offset, int length) {
                return length;
            }
        };
        PacedSource paced = new PacedSource(blocking, clock, 20);
        assertThat(paced.nanosUntilReadable(4608)).isEqualTo(20 * MS);
        clock.advanceMillis(20);
        assertThat(paced.nanosUntilReadable(4608)).isEqualTo(AudioSource.MAY_BLOCK);
        assertThat(AudioSources.limit(blocking, 1).nanosUntilReadable(4608)).isEqualTo(AudioSource.MAY_BLOCK);
        assertThat(AudioSources.limit(AudioSources.noise(), 1).nanosUntilReadable(4608)).isZero();
    }

    @Test
    void aReaderOnItsOwnThreadWaitsOnTheClockForItsStep() throws Exception {
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return paced.read(new float[4608], 0, 4608);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        clock.advanceMillis(19);
        assertThat(read).isNotDone();
        clock.advanceMillis(1);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(480);
    }

    @Test
    void rejectsAStepOutsideOneMillisecondToOneSecond() {
        AudioSource s = AudioSources.silence(PcmFormat.floatMono(24000));
        assertThatThrownBy(() -> new PacedSource(s, clock, 0)).hasMessageContaining("firstStepMillis not supported: 0");
        assertThatThrownBy(() -> new PacedSource(s, clock, 1001)).hasMessageContaining("1001");
        assertThatThrownBy(() -> new PacedSource(s, clock, 50, 20)).hasMessageContaining("stepMillis not supported: 20");
        assertThat(PacedSource.realTime(s, clock).format().sampleRateHz()).isEqualTo(24000);
    }
}
