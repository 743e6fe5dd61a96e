package io.mp3cast.server;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A live HLS media playlist as a player reads it (RFC 8216 4.3): the tags mp3cast writes, each
 * segment with its sequence number, duration, URI, date and whether a discontinuity comes before it.
 * Anything malformed is an {@link IllegalArgumentException} naming the line.
 */
public record HlsPlaylist(int version, int targetDurationSeconds, long mediaSequence, long discontinuitySequence,
                          boolean ended, List<Entry> entries) {

    public record Entry(long sequence, double durationSeconds, String uri, boolean discontinuity, Instant programDate) {}

    public static HlsPlaylist parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
            throw new IllegalArgumentException("playlist does not start with #EXTM3U: " + text);
        }
        int version = 1;
        int target = -1;
        long first = 0;
        long discontinuities = 0;
        boolean ended = false;
        List<Entry> entries = new ArrayList<>();
        Double duration = null;
        boolean discontinuity = false;
        Instant date = null;
        for (String line : List.of(lines).subList(1, lines.length)) {
            if (line.startsWith("#EXT-X-VERSION:")) {
                version = Integer.parseInt(value(line));
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Integer.parseInt(value(line));
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                first = Long.parseLong(value(line));
            } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                discontinuities = Long.parseLong(value(line));
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                date = Instant.parse(value(line));
            } else if (line.startsWith("#EXTINF:")) {
                duration = Double.parseDouble(value(line).replaceFirst(",.*", ""));
            } else if (line.equals("#EXT-X-ENDLIST")) {
                ended = true;
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (duration == null) {
                    throw new IllegalArgumentException("segment URI without #EXTINF: " + line);
                }
                entries.add(new Entry(first + entries.size(), duration, line, discontinuity, date));
                duration = null;
                discontinuity = false;
                date = null;
            } else if (!line.isEmpty()) {
                throw new IllegalArgumentException("tag not expected: " + line);
            }
        }
        if (target < 1) {
            throw new IllegalArgumentException("no #EXT-X-TARGETDURATION: " + text);
        }
        return new HlsPlaylist(version, target, first, discontinuities, ended, List.copyOf(entries));
    }

    /** A segment's absolute URI, resolved against the playlist's as a player does. */
    public static URI resolve(URI playlist, Entry e) {
        return playlist.resolve(e.uri());
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }
}
