package io.mp3cast.server;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a mount pushes itself out ({@code relay-to}): an Icecast (or another mp3cast) that takes the
 * mount's MP3 as a source client's stream and serves it to its own listeners.
 *
 * <p>Written as ffmpeg and libshout users write it: {@code icecast://source:PASSWORD@host:8000/live.mp3}
 * (port 8000 unless given) or {@code http://source:PASSWORD@host:port/live.mp3} (port 80 unless
 * given), both plain HTTP, or {@code https://source:PASSWORD@host:port/live.mp3} (port 443 unless
 * given) for an Icecast that takes sources over TLS, its certificate checked against the JDK's
 * trusted CAs or those in {@code caFile}, and its name against {@code host}. The password may be
 * percent-encoded ({@code %40} for {@code @}, {@code %2C} for a comma in a mount spec).
 *
 * @param host     the server's host name or address
 * @param port     its port
 * @param mount    the mount on that server, starting with {@code /}
 * @param user     the user for HTTP Basic, {@code source} unless the URL names another
 * @param password the source password, or null to send no credentials
 * @param tls      whether to speak TLS ({@code https://})
 * @param caFile   PEM certificates to trust for TLS instead of the JDK's CAs ({@code ca=FILE}), or null
 */
public record RelayTarget(String host, int port, String mount, String user, String password, boolean tls, Path caFile) {

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

    /** A plain-HTTP target. */
    public RelayTarget(String host, int port, String mount, String user, String password) {
        this(host, port, mount, user, password, false, null);
    }

    /**
     * Parses {@code icecast://user:password@host:port/mount}, {@code http://...} or {@code https://...}.
     *
     * @throws IllegalArgumentException naming the URL (its password hidden) and what is wrong with it
     */
    public static RelayTarget parse(String url) {
        URI uri = Urls.parse(url, "relay-to");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("icecast") && !scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("relay-to: '" + Urls.hidePassword(url)
                    + "' is not an icecast://, http:// or https:// URL");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("icecast") ? 8000 : tls ? 443 : 80;
        String mount = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        try {
            return new RelayTarget(uri.getHost(), port, mount, Urls.user(uri).orElse("source"),
                    Urls.password(uri).orElse(null), tls, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relay-to: '" + Urls.hidePassword(url) + "': " + e.getMessage(), e);
        }
    }

    /** The same target, its TLS trusting the PEM certificates in {@code file} (null: the JDK's CAs). */
    public RelayTarget withCaFile(Path file) {
        return new RelayTarget(host, port, mount, user, password, tls, file);
    }

    /**
     * {@code icecast://host:port/mount} ({@code https://...} over TLS): the target without its
     * password, for logs and status pages.
     */
    public String display() {
        return (tls ? "https://" : "icecast://") + host + ":" + port + mount;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RelayTarget[" + (tls ? "https://" : "") + user + (password == null ? "" : ":***") + "@" + host + ":" + port
                + mount + (caFile == null ? "" : ", ca " + caFile) + "]";
    }
}
