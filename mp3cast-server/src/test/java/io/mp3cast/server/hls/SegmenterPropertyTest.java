package io.mp3cast.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.LiveStreamSettings;
import io.mp3cast.mp3.ChannelMode;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.MpegVersion;
import io.mp3cast.testing.TestFrames;
import io.mp3cast.server.HlsPlaylist;
import io.mp3cast.server.HlsSegmentBytes;
import io.mp3cast.server.MountConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The segmenter on any run of formats: every frame lands in exactly one segment, each segment is
 * one format and within half a frame of its length unless a format change or the end cut it short,
 * a discontinuity marks exactly the format changes, timestamps run on exactly, each EXTINF rounded
 * stays within the target duration, and the playlist's discontinuity sequence counts the
 * discontinuities that left it.
 */
class SegmenterPropertyTest {
    /** Formats with frames from 24 ms (48 kHz) to 72 ms (MPEG-2.5 at 8 kHz), mono and stereo. */
    private static final List<byte[]> FORMATS = List.of(
            frame(MpegVersion.MPEG_1, 128, 44100, ChannelMode.JOINT_STEREO),
            frame(MpegVersion.MPEG_1, 64, 48000, ChannelMode.MONO),
            frame(MpegVersion.MPEG_2, 64, 24000, ChannelMode.MONO),
            frame(MpegVersion.MPEG_2, 32, 16000, ChannelMode.STEREO),
            frame(MpegVersion.MPEG_2_5, 8, 8000, ChannelMode.MONO));

    /** A stretch of frames of one format: an index into {@link #FORMATS}, and how many. */
    record Run(int format, int frames) {}

    @Property(tries = 100)
    void segmentsHoldEveryFrameInOneFormatNearTheirLengthWithTimestampsThatRunOn(
            @ForAll("runs") List<Run> runs, @ForAll @IntRange(min = 1000, max = 3000) int segmentMillis) throws Exception {
        MountConfig config = MountConfig.of("/p.mp3").withHls(new HlsSettings(segmentMillis, 8, 0));
        LiveStream stream = new LiveStream("/p.mp3", new LiveStreamSettings(0, 60_000));
        Segmenter segmenter = Segmenter.attach(stream, config.hls(), "t", new Window.Uris(""));
        Map<Long, Segment> seen = new TreeMap<>();
        long publishedTicks = 0;
        Window checked = null;
        for (Run run : runs) {
            byte[] frame = FORMATS.get(run.format());
            for (int i = 0; i < run.frames(); i++) {
                stream.publish(frame, 0, frame.length);
                publishedTicks += Timeline.ticks(FrameHeader.parse(frame, 0));
                checked = collect(segmenter.window(), checked, seen);
            }
        }
        stream.end();
        collect(segmenter.window(), checked, seen);

        List<Segment> segments = new ArrayList<>(seen.values());
        assertThat(segments.stream().mapToLong(Segment::durationTicks).sum()).as("all audio, in segments")
                .isEqualTo(publishedTicks);
        long segmentTicks = Timeline.ticksOfMillis(segmentMillis);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            HlsSegmentBytes bytes = HlsSegmentBytes.parse(s.bytes());
            long frameTicks = s.durationTicks() / bytes.frames();
            assertThat(bytes.pts90k()).isEqualTo(Timeline.pts90k(s.startTicks()));
            assertThat(Math.round(Timeline.seconds(s.durationTicks()) * 1000) / 1000.0).as("EXTINF, rounded")
                    .isLessThanOrEqualTo(config.hls().targetDurationSeconds() + 0.499);
            assertThat(s.durationTicks()).as("segment %d", i).isLessThan(segmentTicks + frameTicks / 2 + 1);
            Segment next = i + 1 < segments.size() ? segments.get(i + 1) : null;
            if (next != null) {
                HlsSegmentBytes nextBytes = HlsSegmentBytes.parse(next.bytes());
                boolean changed = nextBytes.sampleRateHz() != bytes.sampleRateHz() || nextBytes.channels() != bytes.channels();
                assertThat(next.discontinuity()).as("segment %d's discontinuity", i + 1).isEqualTo(changed);
                assertThat(next.startTicks()).isEqualTo(s.startTicks() + s.durationTicks());
                assertThat((double) Math.abs(nextBytes.pts90k() - (bytes.pts90k() + bytes.duration90k()))).isLessThan(1.0);
                if (!changed) {
                    assertThat(s.durationTicks()).as("segment %d, not cut short", i).isGreaterThanOrEqualTo(segmentTicks - frameTicks / 2);
                }
            }
        }
        assertThat(segments.isEmpty() || !segments.get(0).discontinuity()).isTrue();
    }

    /**
     * Low-latency HLS: every segment is also made as parts, numbered from 0, whose frames put
     * together are the segment's, each with its own timestamp tag, split evenly (no two parts of a
     * segment differ by more than a frame), none longer than the playlist's PART-TARGET; the playlist
     * says it can block, holds parts back three targets, names the next part in its preload hint
     * and lists parts only near its live edge.
     */
    @Property(tries = 60)
    void partsSplitEachSegmentEvenlyAndHoldItsFramesWithTimestampsThatRunOn(
            @ForAll("runs") List<Run> runs, @ForAll @IntRange(min = 1000, max = 3000) int segmentMillis,
            @ForAll @IntRange(min = 100, max = 500) int partMillis) throws Exception {
        HlsSettings settings = new HlsSettings(segmentMillis, 8, partMillis);
        LiveStream stream = new LiveStream("/p.mp3", new LiveStreamSettings(0, 60_000));
        Segmenter segmenter = Segmenter.attach(stream, settings, "t", new Window.Uris(""));
        Map<Long, Segment> segments = new TreeMap<>();
        Map<Long, Map<Integer, Part>> parts = new TreeMap<>();
        Window last = null;
        for (Run run : runs) {
            byte[] frame = FORMATS.get(run.format());
            for (int i = 0; i < run.frames(); i++) {
                stream.publish(frame, 0, frame.length);
                last = collectParts(segmenter.window(), last, segments, parts, settings);
            }
        }
        stream.end();
        collectParts(segmenter.window(), last, segments, parts, settings);

        assertThat(parts.keySet()).as("segments made as parts").isEqualTo(segments.keySet());
        for (Segment s : segments.values()) {
            List<Part> made = List.copyOf(parts.get(s.sequence()).values());
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            long at = s.startTicks();
            long shortest = Long.MAX_VALUE;
            long longest = 0;
            for (int i = 0; i < made.size(); i++) {
                Part p = made.get(i);
                assertThat(p.index()).as("segment %d's parts numbered from 0", s.sequence()).isEqualTo(i);
                assertThat(p.startTicks()).as("part %d.%d starts where the one before ended", s.sequence(), i).isEqualTo(at);
                HlsSegmentBytes bytes = HlsSegmentBytes.parse(p.bytes());
                assertThat(bytes.pts90k()).as("part %d.%d's timestamp", s.sequence(), i).isEqualTo(Timeline.pts90k(at));
                frames.writeBytes(bytes.audio());
                at += p.durationTicks();
                shortest = Math.min(shortest, p.durationTicks());
                longest = Math.max(longest, p.durationTicks());
            }
            HlsSegmentBytes whole = HlsSegmentBytes.parse(s.bytes());
            assertThat(at).as("segment %d's parts end where it ends", s.sequence()).isEqualTo(s.startTicks() + s.durationTicks());
            assertThat(frames.toByteArray()).as("segment %d's parts' frames are its frames", s.sequence()).isEqualTo(whole.audio());
            if (!s.equals(segments.values().stream().reduce((a, b) -> b).orElseThrow())
                    && !segments.get(s.sequence() + 1).discontinuity()) {
                long frameTicks = s.durationTicks() / whole.frames();
                assertThat(longest - shortest).as("segment %d split evenly (frame %d ticks)", s.sequence(), frameTicks)
                        .isLessThanOrEqualTo(frameTicks);
            }
        }
    }

    /** Adds a new window's segments and parts, and checks its low-latency playlist. */
    private static Window collectParts(Window w, Window last, Map<Long, Segment> segments, Map<Long, Map<Integer, Part>> parts,
                                       HlsSettings settings) {
        if (w == last) {
            return w;
        }
        w.kept().forEach(s -> segments.putIfAbsent(s.sequence(), s));
        w.parts().forEach(p -> parts.computeIfAbsent(p.sequence(), k -> new TreeMap<>()).putIfAbsent(p.index(), p));
        HlsPlaylist playlist = HlsPlaylist.parse(new String(w.playlist(), StandardCharsets.UTF_8));
        assertThat(playlist.canBlockReload()).isTrue();
        assertThat(playlist.partHoldBackSeconds()).as("PART-HOLD-BACK").isGreaterThanOrEqualTo(2 * playlist.partTargetSeconds());
        for (HlsPlaylist.PartEntry p : playlist.parts()) {
            assertThat(p.durationSeconds()).as("part %s within PART-TARGET", p.uri()).isLessThanOrEqualTo(playlist.partTargetSeconds());
            assertThat(p.uri()).isEqualTo(p.sequence() + "." + p.index() + ".mp3");
            assertThat(p.independent()).isTrue();
        }
        if (!w.ended()) {
            assertThat(playlist.preloadHint()).as("preload hint: the next part")
                    .isEqualTo(playlist.next() + "." + playlist.partsOf(playlist.next()).size() + ".mp3");
        }
        double listed = playlist.parts().stream().mapToDouble(HlsPlaylist.PartEntry::durationSeconds).sum();
        assertThat(listed).as("parts listed near the live edge only")
                .isLessThanOrEqualTo(3 * settings.targetDurationSeconds() + settings.segmentMillis() / 1000.0 + 0.1);
        return w;
    }

    /** Adds a new window's new segments, and checks its playlist's discontinuity sequence against them. */
    private static Window collect(Window w, Window last, Map<Long, Segment> seen) {
        if (w == last) {
            return w;
        }
        w.kept().forEach(s -> seen.putIfAbsent(s.sequence(), s));
        HlsPlaylist playlist = HlsPlaylist.parse(new String(w.playlist(), StandardCharsets.UTF_8));
        long before = seen.values().stream().filter(s -> s.sequence() < playlist.mediaSequence())
                .filter(Segment::discontinuity).count();
        assertThat(playlist.discontinuitySequence()).as("EXT-X-DISCONTINUITY-SEQUENCE").isEqualTo(before);
        assertThat(playlist.entries()).hasSizeLessThanOrEqualTo(8);
        return w;
    }

    @Provide
    Arbitrary<List<Run>> runs() {
        Arbitrary<Run> run = Combinators.combine(Arbitraries.integers().between(0, FORMATS.size() - 1),
                Arbitraries.integers().between(1, 200)).as(Run::new);
        return run.list().ofMinSize(1).ofMaxSize(6);
    }

    private static byte[] frame(MpegVersion version, int kbps, int rate, ChannelMode mode) {
        return TestFrames.frame(TestFrames.header(version, kbps, rate, false, mode));
    }
}
