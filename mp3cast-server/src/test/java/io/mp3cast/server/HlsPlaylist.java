package io.mp3cast.server;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live HLS media playlist as a player reads it (RFC 8216 4.3): the tags mp3cast writes, each
 * segment with its sequence number, duration, URI, date and whether a discontinuity comes before it;
 * with low-latency HLS (RFC 8216bis 4.4.4.9) also the server control, the part target, each part
 * with the segment it belongs to, and the preload hint. Anything malformed is an
 * {@link IllegalArgumentException} naming the line.
 */
public record HlsPlaylist(int version, int targetDurationSeconds, long mediaSequence, long discontinuitySequence,
                          boolean ended, List<Entry> entries, boolean canBlockReload, double partHoldBackSeconds,
                          double partTargetSeconds, List<PartEntry> parts, String preloadHint) {

    public record Entry(long sequence, double durationSeconds, String uri, boolean discontinuity, Instant programDate) {}

    /** An {@code EXT-X-PART}: the segment it belongs to (listed after it, or the one being made), its place in it. */
    public record PartEntry(long sequence, int index, double durationSeconds, String uri, boolean independent) {}

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
        boolean canBlockReload = false;
        double partHoldBack = 0;
        double partTarget = 0;
        List<PartEntry> parts = new ArrayList<>();
        String preloadHint = null;
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
            } else if (line.startsWith("#EXT-X-SERVER-CONTROL:")) {
                Map<String, String> a = attributes(line);
                canBlockReload = "YES".equals(a.get("CAN-BLOCK-RELOAD"));
                partHoldBack = Double.parseDouble(a.getOrDefault("PART-HOLD-BACK", "0"));
            } else if (line.startsWith("#EXT-X-PART-INF:")) {
                partTarget = Double.parseDouble(attributes(line).get("PART-TARGET"));
            } else if (line.startsWith("#EXT-X-PART:")) {
                Map<String, String> a = attributes(line);
                long sequence = first + entries.size();
                int index = (int) parts.stream().filter(p -> p.sequence() == sequence).count();
                parts.add(new PartEntry(sequence, index, Double.parseDouble(a.get("DURATION")), a.get("URI"),
                        "YES".equals(a.get("INDEPENDENT"))));
            } else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
                Map<String, String> a = attributes(line);
                if (!"PART".equals(a.get("TYPE"))) {
                    throw new IllegalArgumentException("preload hint not of a part: " + line);
                }
                preloadHint = a.get("URI");
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
        return new HlsPlaylist(version, target, first, discontinuities, ended, List.copyOf(entries), canBlockReload,
                partHoldBack, partTarget, List.copyOf(parts), preloadHint);
    }

    /** The parts listed for segment {@code sequence}, in order. */
    public List<PartEntry> partsOf(long sequence) {
        return parts.stream().filter(p -> p.sequence() == sequence).toList();
    }

    /** The sequence number of the segment being made: the one after the last listed. */
    public long next() {
        return mediaSequence + entries.size();
    }

    /** A tag's attribute list ({@code KEY=VALUE,KEY="quoted, value"}), quotes removed. */
    private static Map<String, String> attributes(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = value(line);
        Matcher m = ATTRIBUTE.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("attribute list not well formed at " + at + ": " + line);
            }
            String v = m.group(2);
            out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
            at = m.end();
        }
        return out;
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*),?");

    /** A segment's absolute URI, resolved against the playlist's as a player does. */
    public static URI resolve(URI playlist, Entry e) {
        return playlist.resolve(e.uri());
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }
}
