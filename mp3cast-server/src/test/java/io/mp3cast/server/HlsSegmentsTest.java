package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.hls.HlsSettings;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Decoded;
import io.mp3cast.time.Scheduler;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * HLS segments as a player takes them apart, from servers paced by a manual clock: every segment
 * is an ID3 tag with the transport-stream timestamp, then whole frames of one format; timestamps
 * run on by each segment's duration; playlists keep the target-duration rule; a format change
 * cuts a segment and is marked as a discontinuity while the timestamps run on.
 */
class HlsSegmentsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Every segment a player fetching the playlist after each step would see, by sequence number. */
    private record Seen(Map<Long, HlsPlaylist.Entry> entries, Map<Long, HlsSegmentBytes> segments,
                        List<HlsPlaylist> playlists) {
        Seen() {
            this(new TreeMap<>(), new TreeMap<>(), new ArrayList<>());
        }
    }

    @Test
    void everySegmentIsTheTimestampTagThenWholeFramesAndTimestampsRunOnByEachSegmentsDuration() throws Exception {
        Scheduler clock = Scheduler.manual();
        MountConfig config = MountConfig.of("/stream.mp3").withHls(new HlsSettings(1000, 4, 0));
        try (Mp3CastServer server = ServerFixture.toneServer(clock, config).start()) {
            URI playlist = URI.create("http://127.0.0.1:" + server.port() + "/stream.m3u8");
            Seen seen = new Seen();
            for (int step = 0; step < 14; step++) {
                clock.advanceMillis(1000);
                follow(playlist, seen);
            }

            assertThat(seen.segments).hasSizeGreaterThanOrEqualTo(12);
            assertThat(seen.segments.keySet()).as("consecutive sequence numbers")
                    .containsExactlyElementsOf(range(seen.segments.keySet()));
            assertPtsRunOn(seen);
            assertTargetDurationRule(seen, config.hls().targetDurationSeconds());
            for (HlsSegmentBytes s : seen.segments.values()) {
                assertThat(s.samples() * 1000.0 / s.sampleRateHz()).as("segment length, ms")
                        .isBetween(1000.0 - 12, 1000.0 + 12);  // within half a 24 ms frame of hls-segment-ms
            }
            // The segments' frames, joined, are the tone: decoded, 440 Hz, and as long as the frames say.
            Decoded decoded = Mp3Decoding.decode(audio(seen));
            long samples = seen.segments.values().stream().mapToLong(HlsSegmentBytes::samples).sum();
            int frames = seen.segments.values().stream().mapToInt(HlsSegmentBytes::frames).sum();
            assertThat(decoded.frames()).isEqualTo(frames);
            // The first segment's first frame may lean on the bit reservoir of frames before it: silent then.
            assertThat((long) decoded.length()).isBetween(samples - 576, samples);
            assertThat(AudioMath.dominantFrequencyHz(decoded.channel(0), 24000, 24000, 24000, 300, 600)).isEqualTo(440.0);
        }
    }

    @Test
    void aFormatChangeCutsASegmentAndMarksADiscontinuityWhileTimestampsRunOn() throws Exception {
        Scheduler clock = Scheduler.manual();
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(clock)
                .pushMount(MountConfig.of("/live.mp3").withHls(new HlsSettings(1000, 8, 0)), EncoderSettings.cbr(64)).start()) {
            URI playlist = URI.create("http://127.0.0.1:" + server.port() + "/live.m3u8");
            HlsPlaylist empty = HlsPlaylist.parse(get(playlist).body());
            assertThat(empty.entries()).as("no source yet: nothing to list, and the playlist says so validly").isEmpty();

            push(server, "/live.mp3?format=f32le&rate=24000&channels=1",
                    Pusher.f32le(Signals.toneMix(24000, 3 * 24000, 0.5, 440)));
            clock.advanceMillis(4000);  // 3 s of the source, then silence in its format
            float[] stereo = Signals.interleave(Signals.toneMix(44100, 3 * 44100, 0.5, 660),
                    Signals.toneMix(44100, 3 * 44100, 0.5, 880));
            push(server, "/live.mp3?format=s16le&rate=44100&channels=2",
                    Pusher.s16(Signals.toShorts(stereo), ByteOrder.LITTLE_ENDIAN));
            Seen seen = new Seen();
            for (int step = 0; step < 4; step++) {
                clock.advanceMillis(1000);
                follow(playlist, seen);
            }

            List<Long> changes = seen.entries.values().stream().filter(HlsPlaylist.Entry::discontinuity)
                    .map(HlsPlaylist.Entry::sequence).toList();
            assertThat(changes).as("discontinuities").hasSize(1);
            long change = changes.get(0);
            for (Map.Entry<Long, HlsSegmentBytes> e : seen.segments.entrySet()) {
                int rate = e.getKey() < change ? 24000 : 44100;
                assertThat(e.getValue().sampleRateHz()).as("segment %d's rate", e.getKey()).isEqualTo(rate);
                assertThat(e.getValue().channels()).as("segment %d's channels", e.getKey()).isEqualTo(rate == 24000 ? 1 : 2);
            }
            assertThat(seen.segments.get(change - 1).samples() * 1000.0 / 24000).as("the segment cut early, ms")
                    .isLessThan(1000.0 - 12);
            assertPtsRunOn(seen);
            assertTargetDurationRule(seen, 1);
        }
    }

    /** Fetches the playlist, and every segment it lists that was not fetched before. */
    private void follow(URI playlistUri, Seen seen) throws Exception {
        HttpResponse<String> res = get(playlistUri);
        assertThat(res.statusCode()).isEqualTo(200);
        HlsPlaylist playlist = HlsPlaylist.parse(res.body());
        seen.playlists.add(playlist);
        for (HlsPlaylist.Entry e : playlist.entries()) {
            if (seen.entries.putIfAbsent(e.sequence(), e) == null) {
                HttpResponse<byte[]> segment = http.send(HttpRequest.newBuilder(HlsPlaylist.resolve(playlistUri, e)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(segment.statusCode()).as(e.uri()).isEqualTo(200);
                assertThat(e.uri()).as("a segment's URI ends with its sequence number").endsWith("/" + e.sequence() + ".mp3");
                seen.segments.put(e.sequence(), HlsSegmentBytes.parse(segment.body()));
            }
        }
    }

    /** PTS(n+1) = PTS(n) + duration(n) within one frame; EXTINF and the dates say the same durations. */
    private static void assertPtsRunOn(Seen seen) {
        HlsSegmentBytes previous = null;
        HlsPlaylist.Entry previousEntry = null;
        for (Map.Entry<Long, HlsSegmentBytes> e : seen.segments.entrySet()) {
            HlsSegmentBytes s = e.getValue();
            HlsPlaylist.Entry entry = seen.entries.get(e.getKey());
            assertThat(entry.durationSeconds()).as("segment %d's EXTINF", e.getKey())
                    .isCloseTo(s.duration90k() / 90_000, org.assertj.core.data.Offset.offset(0.0006));
            assertThat(entry.programDate()).as("segment %d's date", e.getKey()).isNotNull();
            if (previous != null) {
                long expected = Math.round(previous.pts90k() + previous.duration90k());
                assertThat((double) Math.abs(s.pts90k() - expected)).as("segment %d's PTS against %d", e.getKey(), expected)
                        .isLessThanOrEqualTo(Math.min(s.frame90k(), previous.frame90k()));
                long dateStep = entry.programDate().toEpochMilli() - previousEntry.programDate().toEpochMilli();
                assertThat((double) dateStep).as("segment %d's date after the one before, ms", e.getKey())
                        .isCloseTo(previousEntry.durationSeconds() * 1000, org.assertj.core.data.Offset.offset(2.0));
            }
            previous = s;
            previousEntry = entry;
        }
    }

    /** RFC 8216 4.3.3.1: each EXTINF rounded is at most the target duration, which never changes. */
    private static void assertTargetDurationRule(Seen seen, int target) {
        for (HlsPlaylist p : seen.playlists) {
            assertThat(p.targetDurationSeconds()).isEqualTo(target);
            assertThat(p.version()).isEqualTo(3);
            for (HlsPlaylist.Entry e : p.entries()) {
                assertThat(Math.round(e.durationSeconds())).as("segment %d's EXTINF rounded", e.sequence())
                        .isLessThanOrEqualTo(target);
            }
        }
    }

    private static byte[] audio(Seen seen) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        seen.segments.values().forEach(s -> all.writeBytes(s.audio()));
        return all.toByteArray();
    }

    private static List<Long> range(java.util.Set<Long> keys) {
        long first = keys.iterator().next();
        List<Long> r = new ArrayList<>();
        for (long i = first; i < first + keys.size(); i++) {
            r.add(i);
        }
        return r;
    }

    private void push(Mp3CastServer server, String target, byte[] body) throws Exception {
        try (Pusher p = Pusher.chunked(server.port(), target)) {
            p.writeInPieces(body, 4096);
            Pusher.Response r = p.finish();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
