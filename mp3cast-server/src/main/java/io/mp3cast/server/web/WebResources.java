package io.mp3cast.server.web;

import io.mp3cast.server.http.Responses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web page: {@code /} (index.html) and {@code /web/NAME} from the classpath folder
 * {@code io/mp3cast/server/web/}. Only flat names of known types are served ({@code /web/app.js},
 * never {@code /web/../x} or {@code /web/a/b}): the path arrives percent-decoded, so an encoded
 * {@code ..%2f} is refused too. Anything else under {@code /web/} is a 404.
 *
 * <p>Files are read once and kept (they are small and never change inside a jar); each response
 * carries an ETag, so a reload costs a 304.
 *
 * <p>Threading: thread-safe; any event loop may call it.
 */
public final class WebResources {
    static final String FOLDER = "io/mp3cast/server/web/";
    private static final String PREFIX = "/web/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9]+)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "txt", "text/plain; charset=utf-8");
    /**
     * The page talks only to its own server; media and status come from there too. {@code blob:}
     * media is the player's own MediaSource (its MSE paths, taken where there is no WebCodecs: an
     * insecure context, such as plain http on a LAN); Chromium refuses it under {@code media-src 'self'}.
     */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    private record Resource(byte[] bytes, String type, String etag) {}

    /** The page in this jar, shared by every server in the JVM (the classpath is too). */
    public static final WebResources CLASSPATH = new WebResources(WebResources.class.getClassLoader());

    private final ClassLoader loader;
    /** Only files found are kept, so requests for made-up names cannot grow it. */
    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    WebResources(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether {@code path} belongs to the page (served here, or a 404 from here). */
    public static boolean owns(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith(PREFIX);
    }

    /** A full response for a GET or HEAD of a path this class {@link #owns}: 200, 304 or 404. */
    public FullHttpResponse respond(HttpRequest req, String path) {
        String name = path.equals("/") || path.equals("/index.html") ? "index.html" : path.substring(PREFIX.length());
        Optional<Resource> found = find(name);
        if (found.isEmpty()) {
            return Responses.text(req.protocolVersion(), HttpResponseStatus.NOT_FOUND, "no such file: " + path);
        }
        Resource r = found.get();
        boolean fresh = r.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                fresh ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                fresh || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.bytes()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.type());
        res.headers().set(HttpHeaderNames.ETAG, r.etag());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        res.headers().set("X-Content-Type-Options", "nosniff");
        if (r.type().startsWith("text/html")) {
            res.headers().set("Content-Security-Policy", CSP);
            res.headers().set("Referrer-Policy", "no-referrer");
        }
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, fresh ? 0 : r.bytes().length);
        return res;
    }

    private Optional<Resource> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(cache.computeIfAbsent(name, n -> load(n, type)));
    }

    private Resource load(String name, String type) {
        try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            return new Resource(bytes, type, etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("web/" + name + ": cannot read from the classpath", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

}
