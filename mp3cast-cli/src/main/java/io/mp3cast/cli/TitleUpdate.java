package io.mp3cast.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sets a mount's title (the ICY {@code StreamTitle} radio players show) through the server's
 * {@code /admin/metadata?mode=updinfo}, as Icecast's source clients do, with the source's own
 * credentials; Icecast and mp3cast both take them for the mount being pushed.
 *
 * <p>It is sent once the upload has started, on a thread of its own so the audio never waits for
 * it. The server may not have set the mount up yet when it arrives (the two requests race), so a
 * {@code 400} or {@code 404} is tried again, a few times, half a second apart. A title that does not
 * get through is a warning, not a failed push.
 */
final class TitleUpdate {
    private static final int ATTEMPTS = 6;
    private static final long RETRY_MILLIS = 500;
    private static final int TIMEOUT_MILLIS = 10_000;

    private TitleUpdate() {}

    /**
     * Sends {@code title} for {@code target}'s mount in the background.
     *
     * @param authorization the {@code Authorization} header the upload used, if any
     * @param warn          told why, if the title could not be set
     */
    static Thread sendInBackground(PushUrl target, Optional<String> authorization, String title, Consumer<String> warn) {
        Thread t = new Thread(() -> {
            Optional<String> problem = send(target, authorization, title);
            problem.ifPresent(p -> warn.accept("--title not set: " + p));
        }, "mp3cast-title");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Sends {@code title}, retrying while the mount is not there yet; empty when it was set. */
    static Optional<String> send(PushUrl target, Optional<String> authorization, String title) {
        String problem = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of("interrupted");
                }
            }
            int[] status = new int[1];
            problem = once(target, authorization, title, status);
            if (problem == null) {
                return Optional.empty();
            }
            if (status[0] != 400 && status[0] != 404) {
                break;
            }
        }
        return Optional.of(problem);
    }

    /** One request; null when it succeeded, else why not, with the status in {@code status[0]}. */
    private static String once(PushUrl target, Optional<String> authorization, String title, int[] status) {
        String mount = URLDecoder.decode(target.rawPath(), StandardCharsets.UTF_8);
        String query = "/admin/metadata?mode=updinfo&mount=" + encode(mount) + "&song=" + encode(title)
                + "&charset=UTF-8";
        HttpURLConnection c = null;
        try {
            HttpURLConnection connection = (HttpURLConnection) target.resolve(query).openConnection();
            c = connection;
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            c.setRequestProperty("User-Agent", "mp3cast/" + Version.projectVersion());
            authorization.ifPresent(a -> connection.setRequestProperty("Authorization", a));
            status[0] = c.getResponseCode();
            if (status[0] == 200) {
                return null;
            }
            return status[0] + " " + String.valueOf(c.getResponseMessage()) + firstLine(c.getErrorStream());
        } catch (IOException e) {
            return "cannot reach " + target.hostPort() + ": " + ErrorHandlers.describe(e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            String text = new String(in.readNBytes(2048), StandardCharsets.UTF_8).replaceAll("<[^>]*>", " ");
            String line = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
            return line.isEmpty() ? "" : ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
