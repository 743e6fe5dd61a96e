package io.mp3cast.server;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a relay mount ({@code relay:url=...}) gets its audio: any HTTP stream of MP3, such as an
 * Icecast mount, another mp3cast's mount, or a radio station's stream.
 *
 * @param url      {@code http://[user:password@]host[:port]/path}, credentials sent as HTTP Basic
 * @param onDemand whether the mount connects only while it has listeners (else always)
 */
public record Upstream(URI url, boolean onDemand) {

    public Upstream {
        Objects.requireNonNull(url, "url");
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null || url.getRawPath() == null
                || url.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("url not supported: '" + Urls.hidePassword(url.toString())
                    + "' (http://host:port/mount" + ("https".equalsIgnoreCase(url.getScheme())
                    ? "; https is not supported" : "") + ")");
        }
    }

    /**
     * Parses an {@code http://} URL.
     *
     * @throws IllegalArgumentException naming the URL (its password hidden) and what is wrong with it
     */
    public static Upstream parse(String url, boolean onDemand) {
        return new Upstream(Urls.parse(url, "url"), onDemand);
    }

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() != -1 ? url.getPort() : 80;
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

    /** The URL without its password, for logs and status pages. */
    public String display() {
        return "http://" + host() + ":" + port() + pathAndQuery();
    }

    @Override
    public String toString() {
        return "Upstream[" + display() + (onDemand ? ", on demand" : "") + "]";
    }
}
