package io.mp3cast.server.ingest;

import io.mp3cast.spec.Params;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import java.util.Locale;

/**
 * What a source says it pushes: raw PCM in a known format, a WAV stream (format in its header),
 * MP3, or nothing said ({@link Kind#SNIFF}: the first bytes decide between WAV and MP3).
 *
 * <p>Read from the query ({@code ?format=f32le&rate=24000&channels=1}, or {@code format=wav},
 * {@code format=mp3}), else from the {@code Content-Type} ({@code audio/mpeg}, RFC 2586's
 * {@code audio/L16;rate=24000;channels=1}, which is big-endian, {@code audio/wav}). Errors name the
 * parameter: {@code rate: missing (...)}.
 *
 * @param pcm the format for {@link Kind#PCM}, else null
 */
record PushFormat(Kind kind, PcmFormat pcm) {
    enum Kind { PCM, WAV, MP3, SNIFF }

    static final String FORMATS = "f32le, s16le, s16be, wav, mp3";
    private static final String EXAMPLE = "?format=f32le&rate=24000&channels=1";

    static PushFormat parse(Params query, String contentType, boolean legacySource) {
        String format = query.string("format", null);
        if (format != null) {
            return fromQuery(format.trim().toLowerCase(Locale.ROOT), query);
        }
        if (query.has("rate") || query.has("channels")) {
            throw new IllegalArgumentException("format: missing (" + FORMATS + "), as in " + EXAMPLE);
        }
        String type = contentType == null ? "" : contentType.trim();
        String mime = (type.contains(";") ? type.substring(0, type.indexOf(';')) : type).trim().toLowerCase(Locale.ROOT);
        return switch (mime) {
            case "audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg" -> new PushFormat(Kind.MP3, null);
            case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> new PushFormat(Kind.WAV, null);
            case "audio/l16" -> new PushFormat(Kind.PCM, l16(type));
            default -> new PushFormat(legacySource && mime.isEmpty() ? Kind.MP3 : Kind.SNIFF, null);
        };
    }

    private static PushFormat fromQuery(String format, Params query) {
        if (format.equals("wav") || format.equals("mp3")) {
            return new PushFormat(format.equals("wav") ? Kind.WAV : Kind.MP3, null);
        }
        SampleEncoding encoding;
        try {
            encoding = SampleEncoding.parse(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format: '" + format + "' not supported (" + FORMATS + ")", e);
        }
        String rate = query.string("rate", null);
        if (rate == null) {
            throw new IllegalArgumentException("rate: missing, as in " + EXAMPLE);
        }
        return new PushFormat(Kind.PCM, pcm(rate, query.string("channels", "1"), encoding));
    }

    /** {@code audio/L16;rate=24000;channels=2}: RFC 2586, big-endian; {@code rate} is required, channels default to 1. */
    private static PcmFormat l16(String contentType) {
        String rate = null;
        String channels = "1";
        for (String part : contentType.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim().replace("\"", "");
            if (key.equals("rate")) {
                rate = value;
            } else if (key.equals("channels")) {
                channels = value;
            }
        }
        if (rate == null) {
            throw new IllegalArgumentException("rate: missing in Content-Type '" + contentType
                    + "' (audio/L16;rate=24000;channels=1)");
        }
        return pcm(rate, channels, SampleEncoding.INT16_BE);
    }

    private static PcmFormat pcm(String rate, String channels, SampleEncoding encoding) {
        int hz = Params.wholeNumber("rate", rate);
        if (!PcmFormat.isMp3SampleRate(hz)) {
            throw new IllegalArgumentException("rate: " + hz + " not supported (8000, 11025, 12000, 16000, 22050,"
                    + " 24000, 32000, 44100, 48000)");
        }
        int n = Params.wholeNumber("channels", channels);
        if (n != 1 && n != 2) {
            throw new IllegalArgumentException("channels: " + n + " not supported (1 or 2)");
        }
        return new PcmFormat(hz, n, encoding);
    }
}
