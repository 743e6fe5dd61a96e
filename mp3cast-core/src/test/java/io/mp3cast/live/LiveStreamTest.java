package io.mp3cast.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.testing.Mp3Decoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LiveStreamTest {
    /** MPEG-2 Layer III, 64 kbps, 24 kHz, mono, no padding: 192 bytes, 24 ms. */
    static byte[] frame(int marker) {
        byte[] f = new byte[192];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF3;
        f[2] = (byte) 0x84;
        f[3] = (byte) 0xC4;
        f[10] = (byte) marker;
        return f;
    }

    static LiveStream streamWith(int frames, LiveStreamSettings settings) {
        LiveStream s = new LiveStream("/t.mp3", settings);
        for (int i = 0; i < frames; i++) {
            byte[] f = frame(i);
            s.publish(f, 0, f.length);
        }
        return s;
    }

    @Test
    void numbersFramesAbsolutelyAndKeepsOnlyTheRetainedOnes() throws Exception {
        LiveStream s = streamWith(1000, new LiveStreamSettings(240, 2400));
        assertThat(s.head()).isEqualTo(1000);
        assertThat(s.oldest()).isEqualTo(1000 - 102);
        assertThat(s.publishedMicros()).isEqualTo(24_000_000L);
        List<Integer> markers = new ArrayList<>();
        s.read(990, 1000, (d, o, n) -> markers.add(d[o + 10] & 0xFF));
        assertThat(markers).containsExactly(990 & 0xFF, 991 & 0xFF, 992 & 0xFF, 993 & 0xFF, 994 & 0xFF,
                995 & 0xFF, 996 & 0xFF, 997 & 0xFF, 998 & 0xFF, 999 & 0xFF);
        assertThatThrownBy(() -> s.read(0, 10, (d, o, n) -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no longer kept");
        assertThat(FrameHeader.parse(frame(0), 0).frameLengthBytes()).isEqualTo(192);
    }

    @Test
    void aNewListenerStartsAboutTheBurstBeforeTheHeadOnAFrameBoundary() {
        LiveStream s = streamWith(100, new LiveStreamSettings(240, 2400));
        assertThat(s.burstStart()).isEqualTo(90);
        assertThat(s.microsBehind(90)).isEqualTo(240_000);
        assertThat(streamWith(3, new LiveStreamSettings(240, 2400)).burstStart()).isZero();
        assertThat(streamWith(100, new LiveStreamSettings(0, 2400)).burstStart()).isEqualTo(100);
    }

    @Test
    void theBurstReachesFurtherBackWhenItWouldHoldFewerBytesThanTheFloor() {
        // Frames are 192 bytes of 24 ms: 240 ms is 10 frames (1920 bytes); a 4000-byte floor needs 21.
        LiveStream s = streamWith(100, new LiveStreamSettings(240, 2400, 4000));
        assertThat(s.burstStart()).isEqualTo(100 - 21);
        assertThat(s.bytesBetween(s.burstStart(), s.head())).isGreaterThanOrEqualTo(4000);
        // A floor already met by the time-based burst changes nothing.
        assertThat(streamWith(100, new LiveStreamSettings(240, 2400, 1000)).burstStart()).isEqualTo(90);
        // Young streams give what they have; a burst of 0 stays 0.
        assertThat(streamWith(5, new LiveStreamSettings(240, 2400, 4000)).burstStart()).isZero();
        assertThat(streamWith(100, new LiveStreamSettings(0, 2400, 4000)).burstStart()).isEqualTo(100);
    }

    @Test
    void aCursorReportsFallingBehindInsteadOfSkipping() {
        LiveStream s = streamWith(10, new LiveStreamSettings(0, 240));
        Cursor c = s.cursor();
        assertThat(c.read((d, o, n) -> { }, 100)).isZero();
        for (int i = 0; i < 20; i++) {
            s.publish(frame(i), 0, 192);
        }
        assertThat(c.read((d, o, n) -> { }, 100)).isEqualTo(Cursor.FELL_BEHIND);
        c.skipToLive();
        s.publish(frame(1), 0, 192);
        s.end();
        assertThat(c.read((d, o, n) -> { }, 100)).isEqualTo(1);
        assertThat(c.read((d, o, n) -> { }, 100)).isEqualTo(Cursor.END);
    }

    @Test
    void rejectsBytesThatAreNotOneWholeFrame() {
        LiveStream s = new LiveStream("/t.mp3");
        assertThatThrownBy(() -> s.publish(frame(0), 0, 191)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("191");
        assertThatThrownBy(() -> s.publish(new byte[192], 0, 192)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sync");
    }

    @Test
    void aPacedFeedPublishesOneSecondOfAudioPerClockSecondThatDecodesToTheTone() throws Exception {
        Scheduler clock = Scheduler.manual();
        LiveStream s = new LiveStream("/tone.mp3", new LiveStreamSettings(0, 20_000));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Cursor c = s.cursor();
        try (PacedSourceFeed feed = new PacedSourceFeed(AudioSources.tone(24000, 440), EncoderSettings.cbr(64),
                clock, "tone 440 Hz")) {
            feed.start(s);
            clock.advanceMillis(10_000);
            assertThat(feed.state()).isEqualTo(FeedState.RUNNING);
        }
        assertThat(s.isEnded()).isTrue();
        while (c.read(all::write, 1000) > 0) {
            // drain
        }
        // Encoder delay keeps a little over one frame back, never more than the 20 ms step plus two frames.
        assertThat(s.publishedMicros()).isBetween(10_000_000L - 3 * 24_000, 10_000_000L);
        Decoded d = Mp3Decoding.decode(all.toByteArray());
        assertThat(d.badFrames()).isZero();
        assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 24000, 24000, 24000, 300, 600)).isEqualTo(440.0);
    }
    /**
     * An on-demand feed stands by once no one has wanted its frames for 10 s (nothing published,
     * nothing scheduled), and when someone does it goes on at once from where it stood: no gap in
     * the audio, no burst, one second of audio per clock second again, the tone decoding whole.
     */
    @Test
    void anOnDemandFeedStandsByWhileUnwantedAndGoesOnWhereItStoodWhenWanted() throws Exception {
        Scheduler clock = Scheduler.manual();
        LiveStream s = new LiveStream("/tone.mp3", new LiveStreamSettings(0, 60_000));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Cursor c = s.cursor();
        AtomicBoolean wanted = new AtomicBoolean(true);
        AudioSource tone = AudioSources.tone(24000, 440);
        AtomicInteger reads = new AtomicInteger();
        AudioSource counted = new AudioSource() {
            @Override
            public PcmFormat format() {
                return tone.format();
            }

            @Override
            public int read(float[] buffer, int offset, int length) throws IOException {
                reads.incrementAndGet();
                return tone.read(buffer, offset, length);
            }

            @Override
            public void close() {
                tone.close();
            }
        };
        try (PacedSourceFeed feed = new PacedSourceFeed(counted, EncoderSettings.cbr(64),
                clock, "tone 440 Hz", 100, true)) {
            feed.demand(wanted::get);
            feed.start(s);
            clock.advanceMillis(5_000);
            assertThat(feed.state()).isEqualTo(FeedState.RUNNING);
            wanted.set(false);
            clock.advanceMillis(PacedSourceFeed.STANDBY_AFTER_MILLIS - 1_000);
            assertThat(feed.state()).as("within the grace").isEqualTo(FeedState.RUNNING);
            clock.advanceMillis(1_200);
            assertThat(feed.state()).isEqualTo(FeedState.STANDBY);
            long stoodAt = s.publishedMicros();
            assertThat(stoodAt).isBetween(15_000_000L - 200_000, 15_300_000L);
            int readsBefore = reads.get();
            clock.advanceMillis(60_000);
            assertThat(s.publishedMicros()).as("nothing made while standing by").isEqualTo(stoodAt);
            assertThat(reads.get()).as("source reads while standing by").isEqualTo(readsBefore);
            feed.demandChanged();  // woken while still unwanted: stands by on
            clock.runDue();
            assertThat(feed.state()).isEqualTo(FeedState.STANDBY);
            wanted.set(true);
            feed.demandChanged();
            clock.runDue();
            assertThat(feed.state()).isEqualTo(FeedState.RUNNING);
            assertThat(s.publishedMicros() - stoodAt).as("no burst on waking").isLessThan(200_000L);
            clock.advanceMillis(10_000);
            assertThat(s.publishedMicros() - stoodAt).as("real time again").isBetween(9_800_000L, 10_200_000L);
        }
        while (c.read(all::write, 1000) > 0) {
            // drain
        }
        Decoded d = Mp3Decoding.decode(all.toByteArray());
        assertThat(d.badFrames()).isZero();
        assertThat(d.channel(0).length).as("decoded samples: every frame made, none lost or doubled")
                .isBetween((int) (s.publishedMicros() * 24 / 1000) - 2 * 1152, (int) (s.publishedMicros() * 24 / 1000));
        assertThat(AudioMath.dominantFrequencyHz(d.channel(0), 24000, 24000, 24000, 300, 600)).isEqualTo(440.0);
    }
}
