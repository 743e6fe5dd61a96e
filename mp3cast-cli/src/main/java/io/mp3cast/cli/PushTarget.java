package io.mp3cast.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server a push goes to, and what it can take: an mp3cast server, or anything else (Icecast,
 * a proxy, a server that names itself differently).
 *
 * <p><b>How it is decided.</b> An {@code icecast://} URL says Icecast. Otherwise, before the upload,
 * {@code GET /status.json} is sent to the same host and port, and the answer's {@code Server} header
 * decides: mp3cast names itself {@code mp3cast ...} on every response, whatever the path or status;
 * Icecast says {@code Icecast 2.4.4}. Only a server that answers {@code Server: mp3cast...} is sent raw
 * PCM; every other one (a server that hides its name behind a proxy included) gets MP3 encoded on
 * the client, which mp3cast takes too. A wrong guess can only cost client CPU, never the stream.
 *
 * <p><b>Shapes.</b> mp3cast gets a chunked {@code PUT} ({@link PushUpload}) and answers when the
 * body ends. Every other server gets Icecast's source shape ({@link IcecastUpload}): {@code PUT} with
 * {@code Expect: 100-continue} and the MP3 until the connection closes, since Icecast 2.4 cannot read a
 * chunked body.
 */
final class PushTarget {
    private static final int PROBE_TIMEOUT_MILLIS = 10_000;
    private static final String PROBE_PATH = "/status.json";

    private final PushUrl url;
    private final boolean mp3cast;
    private final String server;

    private PushTarget(PushUrl url, boolean mp3cast, String server) {
        this.url = url;
        this.mp3cast = mp3cast;
        this.server = server;
    }

    /**
     * Asks the server who it is, unless the URL says.
     *
     * @throws CliException when the server cannot be reached
     */
    static PushTarget identify(PushUrl url) throws CliException {
        if (url.isIcecast()) {
            return new PushTarget(url, false, "Icecast (icecast:// URL)");
        }
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) url.resolve(PROBE_PATH).openConnection();
            c.setConnectTimeout(PROBE_TIMEOUT_MILLIS);
            c.setReadTimeout(PROBE_TIMEOUT_MILLIS);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "mp3cast/" + Version.projectVersion());
            c.getResponseCode();
            String server = c.getHeaderField("Server");
            boolean isMp3cast = server != null && server.toLowerCase(Locale.ROOT).startsWith("mp3cast");
            return new PushTarget(url, isMp3cast, server == null ? "a server that does not name itself" : server);
        } catch (SocketTimeoutException e) {
            throw CliException.unreachable("no answer from " + url.hostPort() + " within "
                    + PROBE_TIMEOUT_MILLIS / 1000 + " s", e);
        } catch (IOException e) {
            throw PushUpload.cannotConnect(url, e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** Whether the server is mp3cast, which takes raw PCM and encodes it itself. */
    boolean isMp3cast() {
        return mp3cast;
    }

    /** The server's name, as it gave it. */
    String server() {
        return server;
    }

    PushUrl url() {
        return url;
    }

    /**
     * Connects and starts the upload of {@code body} in the server's shape.
     *
     * @param encoderQuery for mp3cast, the encoder options a mount that the push creates takes
     * @param headers      request headers, {@code Content-Type} and {@code ice-audio-info} added here
     */
    Upload open(PushBody body, Map<String, String> encoderQuery, Map<String, String> headers, String unauthorizedHint)
            throws CliException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", body.contentType());
        String audioInfo = audioInfo(body.audioInfo());
        if (!audioInfo.isEmpty()) {
            h.put("ice-audio-info", audioInfo);
        }
        if (body.audioInfo().containsKey("bitrate")) {
            h.put("ice-bitrate", body.audioInfo().get("bitrate"));
        }
        if (mp3cast) {
            Map<String, String> query = new LinkedHashMap<>(body.formatQuery());
            if (!body.formatQuery().isEmpty()) {
                query.putAll(encoderQuery);
            }
            return PushUpload.start(url.withQuery(query), url, h, unauthorizedHint);
        }
        return IcecastUpload.start(url, url.withQuery(Map.of()).getFile(), h, unauthorizedHint);
    }

    /** {@code samplerate=24000;channels=1;bitrate=64}, as libshout writes it. */
    private static String audioInfo(Map<String, String> info) {
        StringBuilder s = new StringBuilder();
        info.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return s.toString();
    }
}
