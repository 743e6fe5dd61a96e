package io.mp3cast.server;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a mount pushes itself out ({@code relay-to}): an Icecast (or another mp3cast) that takes the
 * mount's MP3 as a source client's stream and serves it to its own listeners.
 *
 * <p>Written as ffmpeg and libshout users write it: {@code icecast://source:PASSWORD@host:8000/live.mp3}
 * (port 8000 unless given) or {@code http://source:PASSWORD@host:port/live.mp3} (port 80 unless
 * given). Both are plain HTTP; the password may be percent-encoded ({@code %40} for {@code @},
 * {@code %2C} for a comma in a mount spec).
 *
 * @param host     the server's host name or address
 * @param port     its port
 * @param mount    the mount on that server, starting with {@code /}
 * @param user     the user for HTTP Basic, {@code source} unless the URL names another
 * @param password the source password, or null to send no credentials
 */
public record RelayTarget(String host, int port, String mount, String user, String password) {

    public RelayTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mount, "mount");
        Objects.requireNonNull(user, "user");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host not supported: empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port not supported: " + port + " (1-65535)");
        }
        if (!mount.startsWith("/") || mount.length() < 2 || mount.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
            throw new IllegalArgumentException("mount not supported: '" + mount + "' (like /live.mp3)");
        }
    }

    /**
     * Parses {@code icecast://user:password@host:port/mount} or {@code http://...}.
     *
     * @throws IllegalArgumentException naming the URL (its password hidden) and what is wrong with it
     */
    public static RelayTarget parse(String url) {
        URI uri = Urls.parse(url, "relay-to");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("icecast") && !scheme.equals("http")) {
            throw new IllegalArgumentException("relay-to: '" + Urls.hidePassword(url) + "' is not an icecast:// or http:// URL"
                    + (scheme.equals("https") ? " (https is not supported: Icecast sources speak plain HTTP)" : ""));
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("icecast") ? 8000 : 80;
        String mount = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        try {
            return new RelayTarget(uri.getHost(), port, mount, Urls.user(uri).orElse("source"),
                    Urls.password(uri).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relay-to: '" + Urls.hidePassword(url) + "': " + e.getMessage(), e);
        }
    }

    /** {@code icecast://host:port/mount}: the target without its password, for logs and status pages. */
    public String display() {
        return "icecast://" + host + ":" + port + mount;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RelayTarget[" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + mount + "]";
    }
}
