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
 * grace for clients that read an older playlist), with low-latency HLS the parts kept near the live
 * edge, and the playlist, rendered once. Immutable: the segmenter replaces it whole after each cut,
 * and request threads read it without a lock.
 *
 * @param kept                  the segments that can be fetched, oldest first, consecutive sequence numbers
 * @param inPlaylist            how many of the newest of them the playlist lists
 * @param discontinuitySequence discontinuities before the playlist's first segment ({@code EXT-X-DISCONTINUITY-SEQUENCE})
 * @param ended                 the stream ended: the playlist ends with {@code EXT-X-ENDLIST}
 * @param parts                 the parts that can be fetched, oldest first: of recent segments, then of {@code next}
 * @param next                  the sequence number of the segment being made (its parts are the last of {@code parts})
 * @param playlist              the playlist's bytes (UTF-8)
 */
record Window(List<Segment> kept, int inPlaylist, long discontinuitySequence, boolean ended, List<Part> parts,
              long next, byte[] playlist) {
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** How a window is rendered: the mount's settings, and with parts their target and how far back they are listed. */
    record Layout(HlsSettings settings, long partTargetTicks, Uris uris) {
        boolean lowLatency() {
            return settings.lowLatency();
        }

        /** RFC 8216bis 4.4.4.9: parts are listed for the last three target durations. */
        long partsListedTicks() {
            return 3 * settings.targetDurationSeconds() * Timeline.TICKS_PER_SECOND;
        }
    }

    /**
     * The window of {@code kept}, listing the newest {@code windowSegments}; with low-latency HLS,
     * {@code parts} (of those segments and of the segment {@code next} being made, which starts a
     * discontinuity if {@code nextDiscontinuity}) near the live edge, and a preload hint for the next part.
     */
    static Window of(List<Segment> kept, long discontinuitiesDropped, boolean ended, List<Part> parts, long next,
                     boolean nextDiscontinuity, Layout layout) {
        int listed = Math.min(layout.settings().windowSegments(), kept.size());
        long discontinuities = discontinuitiesDropped;
        for (Segment s : kept.subList(0, kept.size() - listed)) {
            discontinuities += s.discontinuity() ? 1 : 0;
        }
        List<Segment> shown = kept.subList(kept.size() - listed, kept.size());
        String text = render(shown, discontinuities, ended, parts, next, nextDiscontinuity, layout);
        return new Window(List.copyOf(kept), listed, discontinuities, ended, List.copyOf(parts), next,
                text.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 8216 4.3 (and RFC 8216bis 4.4.4.9 for parts): a live media playlist of packed audio, one date per segment. */
    private static String render(List<Segment> shown, long discontinuities, boolean ended, List<Part> parts, long next,
                                 boolean nextDiscontinuity, Layout layout) {
        StringBuilder sb = new StringBuilder(256 + shown.size() * 128 + parts.size() * 96);
        sb.append("#EXTM3U\n#EXT-X-VERSION:").append(layout.lowLatency() ? 6 : 3).append('\n');
        sb.append("#EXT-X-TARGETDURATION:").append(layout.settings().targetDurationSeconds()).append('\n');
        if (layout.lowLatency()) {
            double partTarget = Timeline.seconds(layout.partTargetTicks());
            sb.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").append(decimal(3 * partTarget))
                    .append('\n');
            sb.append("#EXT-X-PART-INF:PART-TARGET=").append(decimal(partTarget)).append('\n');
        }
        sb.append("#EXT-X-MEDIA-SEQUENCE:").append(shown.isEmpty() ? next : shown.get(0).sequence()).append('\n');
        if (discontinuities > 0) {
            sb.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuities).append('\n');
        }
        long edgeTicks = !parts.isEmpty() ? parts.get(parts.size() - 1).endTicks()
                : shown.isEmpty() ? 0 : shown.get(shown.size() - 1).startTicks() + shown.get(shown.size() - 1).durationTicks();
        long partsFrom = edgeTicks - layout.partsListedTicks();
        for (Segment s : shown) {
            if (s.discontinuity()) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            sb.append("#EXT-X-PROGRAM-DATE-TIME:").append(DATE_TIME.format(Instant.ofEpochMilli(s.programDateMillis())))
                    .append('\n');
            if (s.startTicks() >= partsFrom) {
                parts(sb, parts, s.sequence(), layout.uris());
            }
            sb.append("#EXTINF:").append(String.format(Locale.ROOT, "%.3f", Timeline.seconds(s.durationTicks())))
                    .append(",\n");
            sb.append(layout.uris().segment(s.sequence())).append('\n');
        }
        if (ended) {
            sb.append("#EXT-X-ENDLIST\n");
        } else if (layout.lowLatency()) {
            int made = partsOf(parts, next);
            if (made > 0 && nextDiscontinuity) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            parts(sb, parts, next, layout.uris());
            sb.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(layout.uris().part(next, made))
                    .append("\"\n");
        }
        return sb.toString();
    }

    /** Lists the parts of segment {@code sequence}; returns how many. */
    private static int parts(StringBuilder sb, List<Part> parts, long sequence, Uris uris) {
        int n = 0;
        for (Part p : parts) {
            if (p.sequence() == sequence) {
                sb.append("#EXT-X-PART:DURATION=").append(decimal(Timeline.seconds(p.durationTicks())))
                        .append(",URI=\"").append(uris.part(p.sequence(), p.index())).append("\",INDEPENDENT=YES\n");
                n++;
            }
        }
        return n;
    }

    private static int partsOf(List<Part> parts, long sequence) {
        int n = 0;
        for (int i = parts.size() - 1; i >= 0 && parts.get(i).sequence() == sequence; i--) {
            n++;
        }
        return n;
    }

    private static String decimal(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** The kept segment numbered {@code sequence}. */
    Optional<Segment> segment(long sequence) {
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        long index = sequence - kept.get(0).sequence();
        return index >= 0 && index < kept.size() ? Optional.of(kept.get((int) index)) : Optional.empty();
    }

    /** The kept part {@code index} of segment {@code sequence}. */
    Optional<Part> part(long sequence, int index) {
        return parts.stream().filter(p -> p.sequence() == sequence && p.index() == index).findFirst();
    }

    /** Parts made so far of the segment being made. */
    int nextParts() {
        return partsOf(parts, next);
    }

    /**
     * Whether a blocking request for segment {@code msn} (part {@code part}, or -1 for the whole
     * segment) can be answered: that segment is complete, or its part is made. A segment's part
     * beyond its last is reached once the segment is complete (RFC 8216bis 6.2.5.2: "or later").
     */
    boolean reached(long msn, int part) {
        return msn < next || (part >= 0 && msn == next && part < nextParts());
    }

    /** The segments the playlist lists. */
    List<Segment> listed() {
        return kept.subList(kept.size() - inPlaylist, kept.size());
    }

    /** How a playlist names its segments and parts: relative URIs under one prefix. */
    record Uris(String prefix) {
        String segment(long sequence) {
            return prefix + sequence + ".mp3";
        }

        String part(long sequence, int index) {
            return prefix + sequence + "." + index + ".mp3";
        }
    }
}
