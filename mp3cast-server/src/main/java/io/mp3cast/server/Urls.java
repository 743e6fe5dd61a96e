package io.mp3cast.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/** URL parsing for relay settings: credentials read from the user info, never shown in messages. */
final class Urls {
    private Urls() {}

    /** @throws IllegalArgumentException naming {@code setting} and the URL, password hidden */
    static URI parse(String url, String setting) {
        Objects.requireNonNull(url, setting);
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + ": '" + hidePassword(url) + "' is not a URL (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(setting + ": '" + hidePassword(url) + "' is not a URL with a host");
        }
        if (uri.getRawPath() == null || uri.getRawPath().length() < 2) {
            throw new IllegalArgumentException(setting + ": '" + hidePassword(url) + "' names no mount (add its path, as in /live.mp3)");
        }
        return uri;
    }

    static Optional<String> user(URI uri) {
        return userInfo(uri, 0);
    }

    static Optional<String> password(URI uri) {
        return userInfo(uri, 1);
    }

    private static Optional<String> userInfo(URI uri, int part) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return Optional.empty();
        }
        String[] parts = info.split(":", 2);
        return parts.length > part ? Optional.of(URLDecoder.decode(parts[part], StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** {@code scheme://user:***@host/...}: the URL as given, its password replaced. */
    static String hidePassword(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)[^@/]*@", "$1***@");
    }
}
