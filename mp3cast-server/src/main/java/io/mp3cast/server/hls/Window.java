package io.mp3cast.server.hls;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a mount's HLS clients see at one moment: the segments kept (the playlist's window plus a
 * grace for clients that read an older playlist) and the playlist, rendered once. Immutable: the
 * segmenter replaces it whole after each cut, and request threads read it without a lock.
 *
 * @param kept                  the segments that can be fetched, oldest first, consecutive sequence numbers
 * @param inPlaylist            how many of the newest of them the playlist lists
 * @param discontinuitySequence discontinuities before the playlist's first segment ({@code EXT-X-DISCONTINUITY-SEQUENCE})
 * @param ended                 the stream ended: the playlist ends with {@code EXT-X-ENDLIST}
 * @param playlist              the playlist's bytes (UTF-8)
 */
record Window(List<Segment> kept, int inPlaylist, long discontinuitySequence, boolean ended, byte[] playlist) {
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * The window of {@code kept}, listing the newest {@code windowSegments}; {@code uri} names a
     * segment by its sequence number.
     */
    static Window of(List<Segment> kept, int windowSegments, long discontinuitiesDropped, boolean ended,
                     int targetDurationSeconds, SegmentUri uri) {
        int listed = Math.min(windowSegments, kept.size());
        long discontinuities = discontinuitiesDropped;
        for (Segment s : kept.subList(0, kept.size() - listed)) {
            discontinuities += s.discontinuity() ? 1 : 0;
        }
        List<Segment> shown = kept.subList(kept.size() - listed, kept.size());
        String text = render(shown, discontinuities, ended, targetDurationSeconds, uri);
        return new Window(List.copyOf(kept), listed, discontinuities, ended, text.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 8216 4.3: a live media playlist of packed audio, one date per segment. */
    private static String render(List<Segment> shown, long discontinuities, boolean ended, int targetDurationSeconds,
                                 SegmentUri uri) {
        StringBuilder sb = new StringBuilder(128 + shown.size() * 128);
        sb.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        sb.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        sb.append("#EXT-X-MEDIA-SEQUENCE:").append(shown.isEmpty() ? 0 : shown.get(0).sequence()).append('\n');
        if (discontinuities > 0) {
            sb.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuities).append('\n');
        }
        for (Segment s : shown) {
            if (s.discontinuity()) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            sb.append("#EXT-X-PROGRAM-DATE-TIME:").append(DATE_TIME.format(Instant.ofEpochMilli(s.programDateMillis())))
                    .append('\n');
            sb.append("#EXTINF:").append(String.format(Locale.ROOT, "%.3f", Timeline.seconds(s.durationTicks())))
                    .append(",\n");
            sb.append(uri.of(s.sequence())).append('\n');
        }
        if (ended) {
            sb.append("#EXT-X-ENDLIST\n");
        }
        return sb.toString();
    }

    /** The kept segment numbered {@code sequence}. */
    Optional<Segment> segment(long sequence) {
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        long index = sequence - kept.get(0).sequence();
        return index >= 0 && index < kept.size() ? Optional.of(kept.get((int) index)) : Optional.empty();
    }

    /** The segments the playlist lists. */
    List<Segment> listed() {
        return kept.subList(kept.size() - inPlaylist, kept.size());
    }

    /** How a playlist names its segments. */
    @FunctionalInterface
    interface SegmentUri {
        String of(long sequence);
    }
}
