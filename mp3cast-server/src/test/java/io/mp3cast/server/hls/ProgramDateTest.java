package io.mp3cast.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.LiveStreamSettings;
import io.mp3cast.mp3.ChannelMode;
import io.mp3cast.mp3.MpegVersion;
import io.mp3cast.server.MountConfig;
import io.mp3cast.testing.TestFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code EXT-X-PROGRAM-DATE-TIME} is the wall time of each segment's first sample, also after a
 * stretch of wall time with no audio (an on-demand mount that stood by, a feed that skipped ahead):
 * the media timestamps run on, the program date moves on by the gap. The gap here is a real
 * 3 s of wall time, since the dates are the wall clock's.
 */
class ProgramDateTest {
    private static final byte[] FRAME = TestFrames.frame(TestFrames.header(MpegVersion.MPEG_2, 64, 24000, false,
            ChannelMode.MONO));  // 24 ms

    @Test
    void afterAGapInWallTimeTheProgramDateMovesOnAndTheTimestampsRunOn() throws Exception {
        MountConfig config = MountConfig.of("/p.mp3").withHls(new HlsSettings(1000, 8, 0));
        LiveStream stream = new LiveStream("/p.mp3", new LiveStreamSettings(0, 60_000));
        Segmenter segmenter = Segmenter.attach(stream, config.hls(), "t", new Window.Uris(""));
        long before = System.currentTimeMillis();
        publish(stream, 42);  // one segment of 42 frames (1.008 s), at once: dated from now
        Thread.sleep(4000);   // its second passes, then 3 s with no audio
        long after = System.currentTimeMillis();
        publish(stream, 84);  // two segments more
        List<Segment> segments = segmenter.window().listed();
        assertThat(segments).hasSize(3);
        Segment lastBefore = segments.get(0);
        Segment firstAfter = segments.get(1);
        assertThat(firstAfter.startTicks()).as("timestamps run on")
                .isEqualTo(lastBefore.startTicks() + lastBefore.durationTicks());
        assertThat(lastBefore.programDateMillis()).isBetween(before - 100, before + 100);
        assertThat(firstAfter.programDateMillis()).as("dated when it was made, not 1 s after the segment before")
                .isBetween(after - 200, System.currentTimeMillis());
        assertThat(segments.get(2).programDateMillis() - firstAfter.programDateMillis()).isEqualTo(
                Timeline.millis(firstAfter.durationTicks()));
    }

    private static void publish(LiveStream stream, int frames) {
        for (int i = 0; i < frames; i++) {
            stream.publish(FRAME, 0, FRAME.length);
        }
    }
}
