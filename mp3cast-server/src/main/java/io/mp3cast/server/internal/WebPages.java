package io.mp3cast.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The bundled web page: {@code /} and {@code /web/*} from the classpath, cached in memory. */
final class WebPages {
    private static final String ROOT = "/io/mp3cast/server/web/";
    private static final Map<String, Optional<byte[]>> CACHE = new ConcurrentHashMap<>();

    private WebPages() {}

    /** The resource name for a request path, or empty when the path is not a page. */
    static Optional<String> resourceFor(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return Optional.of("index.html");
        }
        if (path.startsWith("/web/")) {
            String name = path.substring(5);
            if (name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+")) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    static Optional<byte[]> load(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = WebPages.class.getResourceAsStream(ROOT + n)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }
}
