package io.mp3cast.source;

import io.mp3cast.time.PacingClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import org.junit.jupiter.api.Test;

class PacedSourceTest {
    /** A clock that jumps to whatever time a reader sleeps until: single-threaded, no waiting. */
    static final class JumpingClock implements PacingClock {
        long now = 5_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            now = Math.max(now, deadlineNanos);
        }
    }

    @Test
    void handsOutNoSampleBeforeItsTimeAndOneSecondOfAudioPerSecond() throws Exception {
        JumpingClock clock = new JumpingClock();
        long start = clock.now;
        PacedSource paced = new PacedSource(AudioSources.tone(PcmFormat.floatMono(24000), 440), clock, 20);
        float[] buf = new float[4608];
        long frames = 0;
        while (frames < 10 * 24000) {
            int n = paced.read(buf, 0, buf.length);
            frames += n;
            long elapsed = clock.now - start;
            assertThat(frames).isLessThanOrEqualTo(elapsed * 24000 / 1_000_000_000L);
            assertThat(n).isGreaterThanOrEqualTo(480);
        }
        assertThat(clock.now - start).isBetween(10_000_000_000L, 10_021_000_000L);
        assertThat(paced.framesRead()).isEqualTo(frames);
    }

    @Test
    void theFirstReadWaitsOneChunkOnly() throws Exception {
        JumpingClock clock = new JumpingClock();
        long start = clock.now;
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20);
        int n = paced.read(new float[4608], 0, 4608);
        assertThat(n).isEqualTo(480);
        assertThat(clock.now - start).isEqualTo(20_000_000L);
    }

    @Test
    void stepsGrowFromTheFirstChunkToTheLargestAsAudioIsHandedOut() throws Exception {
        JumpingClock clock = new JumpingClock();
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100);
        float[] buf = new float[24000];
        java.util.List<Integer> steps = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            steps.add(paced.read(buf, 0, buf.length) / 24);  // milliseconds
        }
        assertThat(steps).containsExactly(20, 20, 20, 30, 45, 67, 100, 100, 100, 100);
        assertThat(PacedSource.realTime(AudioSources.silence(PcmFormat.floatMono(24000))).format().sampleRateHz())
                .isEqualTo(24000);
    }

    @Test
    void aReaderThatFellBehindGetsEverythingDueAtOnce() throws Exception {
        JumpingClock clock = new JumpingClock();
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20);
        float[] buf = new float[48000];
        paced.read(buf, 0, buf.length);
        clock.now += 500_000_000L;  // a stall of half a second
        int n = paced.read(buf, 0, buf.length);
        assertThat(n).isEqualTo(520 * 24 - 480);  // all that is due 520 ms in, less the first read
    }

    @Test
    void aReaderThatStartsLateGetsWhatIsDueSinceTheSourceWasMade() throws Exception {
        JumpingClock clock = new JumpingClock();
        PacedSource paced = new PacedSource(AudioSources.silence(PcmFormat.floatMono(24000)), clock, 20, 100);
        clock.now += 30_000_000L;  // the reader sets up for 30 ms (an encoder opening) before its first read
        int n = paced.read(new float[4608], 0, 4608);
        assertThat(n).isEqualTo(720);
    }

    @Test
    void countsSampleFramesNotSamplesForStereo() throws Exception {
        JumpingClock clock = new JumpingClock();
        long start = clock.now;
        PacedSource paced = new PacedSource(AudioSources.tone(new PcmFormat(48000, 2, SampleEncoding.FLOAT32_LE), 440), clock, 20);
        float[] buf = new float[2 * 9600];
        long samples = 0;
        while (samples < 2 * 48000) {
            samples += paced.read(buf, 0, buf.length);
        }
        assertThat(samples % 2).isZero();
        assertThat(clock.now - start).isBetween(1_000_000_000L, 1_021_000_000L);
    }

    @Test
    void endsWhenItsSourceEnds() throws Exception {
        AudioSource limited = AudioSources.limit(AudioSources.silence(PcmFormat.floatMono(24000)), 0.1);
        PacedSource paced = new PacedSource(limited, new JumpingClock(), 20);
        float[] buf = new float[4608];
        long frames = 0;
        int n;
        while ((n = paced.read(buf, 0, buf.length)) >= 0) {
            frames += n;
        }
        assertThat(frames).isEqualTo(2400);
    }

    @Test
    void rejectsAChunkOutsideOneMillisecondToOneSecond() {
        AudioSource s = AudioSources.silence(PcmFormat.floatMono(24000));
        assertThatThrownBy(() -> new PacedSource(s, PacingClock.SYSTEM, 0)).hasMessageContaining("firstChunkMillis not supported: 0");
        assertThatThrownBy(() -> new PacedSource(s, PacingClock.SYSTEM, 1001)).hasMessageContaining("1001");
        assertThatThrownBy(() -> new PacedSource(s, PacingClock.SYSTEM, 50, 20)).hasMessageContaining("chunkMillis not supported: 20");
    }
}
