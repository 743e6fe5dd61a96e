package io.mp3cast.cli;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where {@code push} sends: an {@code http://} or {@code https://} URL whose path names the mount,
 * optionally with {@code user:password@} in it, as Icecast source clients write them; or an
 * {@code icecast://} URL (port 8000 unless given), as ffmpeg writes them, which says the server is an
 * Icecast and is reached over plain HTTP.
 *
 * @param uri the URL as given, credentials and query included
 */
record PushUrl(URI uri) {
    private static final String ICECAST = "icecast";
    private static final int ICECAST_PORT = 8000;

    /**
     * @throws IllegalArgumentException naming the text, when it is not an http(s) URL with a host
     *                                  and a mount path
     */
    static PushUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "': not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals(ICECAST)) {
            throw new IllegalArgumentException("'" + text + "': not an http://, https:// or icecast:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "': no host name in it");
        }
        if (uri.getRawPath() == null || uri.getRawPath().length() < 2) {
            throw new IllegalArgumentException("'" + text + "': names no mount; add its path, as in http://host:8000/live");
        }
        return new PushUrl(uri);
    }

    /** The user before the {@code @}, if the URL has one. */
    Optional<String> user() {
        return userInfo(0);
    }

    /** The password after the user's {@code :}, if the URL has one. */
    Optional<String> password() {
        return userInfo(1);
    }

    private Optional<String> userInfo(int part) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        String[] parts = info.split(":", 2);
        return parts.length > part ? Optional.of(URLDecoder.decode(parts[part], StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** Whether the URL says the server is an Icecast ({@code icecast://}). */
    boolean isIcecast() {
        return uri.getScheme().equalsIgnoreCase(ICECAST);
    }

    boolean isHttps() {
        return uri.getScheme().equalsIgnoreCase("https");
    }

    String host() {
        return uri.getHost();
    }

    /** The port, filled in from the scheme when the URL has none. */
    int port() {
        return uri.getPort() != -1 ? uri.getPort() : isIcecast() ? ICECAST_PORT : isHttps() ? 443 : 80;
    }

    /** {@code host:port}, the port filled in, for messages about the connection. */
    String hostPort() {
        return uri.getHost() + ":" + port();
    }

    /** The mount's path, as given (percent-encoded). */
    String rawPath() {
        return uri.getRawPath();
    }

    /** Another path on the same server, such as {@code /admin/metadata?...}: http(s), without credentials. */
    URL resolve(String rawPathAndQuery) {
        try {
            return new URL(httpScheme() + "://" + authority() + rawPathAndQuery);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL on " + hostPort() + ": " + rawPathAndQuery, e);
        }
    }

    /** The URL without its credentials, for messages: never print a password. */
    String display() {
        return withoutUserInfo(uri.getRawQuery());
    }

    /**
     * The URL to connect to, in http(s) (an icecast:// URL is plain HTTP): without credentials (they go in
     * a header), {@code params} added to its query.
     */
    URL withQuery(Map<String, String> params) {
        String added = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String query = uri.getRawQuery() == null ? added
                : added.isEmpty() ? uri.getRawQuery() : uri.getRawQuery() + "&" + added;
        try {
            return new URL(withoutUserInfo(query.isEmpty() ? null : query, httpScheme()));
        } catch (MalformedURLException e) {
            throw new IllegalStateException("a URL that parsed as a URI did not make a URL: " + uri, e);
        }
    }

    /** The URL without credentials, in its own scheme when {@code scheme} is null, else in {@code scheme}. */
    private String withoutUserInfo(String rawQuery, String scheme) {
        return scheme + "://" + authority() + uri.getRawPath() + (rawQuery == null ? "" : "?" + rawQuery);
    }

    private String withoutUserInfo(String rawQuery) {
        return withoutUserInfo(rawQuery, uri.getScheme());
    }

    /** {@code host:port} as the URL spells it, credentials left out; an icecast:// URL's port made explicit. */
    private String authority() {
        String authority = uri.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        return isIcecast() && uri.getPort() == -1 ? hostPort + ":" + ICECAST_PORT : hostPort;
    }

    private String httpScheme() {
        return isIcecast() ? "http" : uri.getScheme();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
