package io.mp3cast.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a relay mount ({@code relay:url=...}) gets its audio: any HTTP or HTTPS stream of MP3, such
 * as an Icecast mount, another mp3cast's mount, or a radio station's stream.
 *
 * <p>Over {@code https} the upstream's certificate is checked against the JDK's trusted CAs, or
 * against those in {@code caFile} when given, and must name the URL's host.
 *
 * @param url      {@code http[s]://[user:password@]host[:port]/path}, credentials sent as HTTP Basic
 * @param onDemand whether the mount connects only while it has listeners (else always)
 * @param caFile   PEM certificates to trust for TLS instead of the JDK's CAs ({@code ca=FILE}), or null
 */
public record Upstream(URI url, boolean onDemand, Path caFile) {

    public Upstream {
        Objects.requireNonNull(url, "url");
        if (!isHttp(url.getScheme()) || url.getHost() == null || url.getRawPath() == null
                || url.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("url not supported: '" + Urls.hidePassword(url.toString())
                    + "' (http://host:port/mount or https://...)");
        }
    }

    /** An upstream whose TLS (if any) trusts the JDK's CAs. */
    public Upstream(URI url, boolean onDemand) {
        this(url, onDemand, null);
    }

    /**
     * Parses an {@code http://} or {@code https://} URL.
     *
     * @throws IllegalArgumentException naming the URL (its password hidden) and what is wrong with it
     */
    public static Upstream parse(String url, boolean onDemand) {
        return new Upstream(Urls.parse(url, "url"), onDemand);
    }

    /** The same upstream, its TLS trusting the PEM certificates in {@code file} (null: the JDK's CAs). */
    public Upstream withCaFile(Path file) {
        return new Upstream(url, onDemand, file);
    }

    /** Whether it is {@code https}. */
    public boolean tls() {
        return url.getScheme().equalsIgnoreCase("https");
    }

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() != -1 ? url.getPort() : tls() ? 443 : 80;
    }

    /** The path and query to ask for. */
    public String pathAndQuery() {
        return url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    public Optional<String> user() {
        return Urls.user(url);
    }

    public Optional<String> password() {
        return Urls.password(url);
    }

    /**
     * Where a redirect's {@code Location} (absolute or relative to this URL) points: http to https is
     * taken, https to http is not (a downgrade). Credentials go along only to the same host.
     *
     * @throws IllegalArgumentException naming the location when it is no http(s) URL or a downgrade
     */
    public Upstream redirectedTo(String location) {
        URI to;
        try {
            to = url.resolve(new URI(location.trim()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redirect to '" + Urls.hidePassword(location) + "': not a URL ("
                    + e.getReason() + ")");
        }
        if (!isHttp(to.getScheme()) || to.getHost() == null) {
            throw new IllegalArgumentException("redirect to '" + Urls.hidePassword(location) + "': not an http(s) URL");
        }
        if (tls() && !to.getScheme().equalsIgnoreCase("https")) {
            throw new IllegalArgumentException("redirect from https to " + Urls.hidePassword(to.toString())
                    + " refused: a downgrade to plain http");
        }
        String userInfo = to.getRawUserInfo() != null || !to.getHost().equalsIgnoreCase(host()) ? to.getRawUserInfo()
                : url.getRawUserInfo();
        String path = to.getRawPath() == null || to.getRawPath().isEmpty() ? "/" : to.getRawPath();
        String query = to.getRawQuery() == null ? "" : "?" + to.getRawQuery();
        String port = to.getPort() == -1 ? "" : ":" + to.getPort();
        String host = to.getHost().contains(":") && !to.getHost().startsWith("[") ? "[" + to.getHost() + "]" : to.getHost();
        return new Upstream(URI.create(to.getScheme().toLowerCase(Locale.ROOT) + "://"
                + (userInfo == null ? "" : userInfo + "@") + host + port + path + query), onDemand, caFile);
    }

    /** The URL without its password, for logs and status pages. */
    public String display() {
        return (tls() ? "https" : "http") + "://" + host() + ":" + port() + pathAndQuery();
    }

    @Override
    public String toString() {
        return "Upstream[" + display() + (onDemand ? ", on demand" : "") + (caFile == null ? "" : ", ca " + caFile) + "]";
    }

    private static boolean isHttp(String scheme) {
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }
}
