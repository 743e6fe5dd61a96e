package io.mp3cast.server.ingest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Who may push: HTTP Basic auth with user {@code source} and the source password, compared in
 * constant time (both sides hashed first, so not even the length leaks). A WebSocket producer in a
 * browser, which cannot send an {@code Authorization} header, gives the password as a token
 * instead: the subprotocol {@code mp3cast.token.BASE64URL} (offered beside {@code mp3cast}, which
 * the server selects) or {@code ?token=} in the URL; it is compared the same way and never logged.
 * Without a configured password, only connections from the loopback address may push, with or
 * without credentials.
 */
public final class IngestAuth {
    public static final String USER = "source";
    /** The subprotocol a WebSocket producer offers, and the server selects. */
    public static final String SUBPROTOCOL = "mp3cast";
    /** Prefix of the subprotocol that carries the token, base64url-encoded (RFC 4648 section 5, padding optional). */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "mp3cast.token.";

    private IngestAuth() {}

    /** Empty when the source may push; else why not, for a 401's body. */
    static Optional<String> check(String password, String authorization, SocketAddress remote) {
        return check(password, authorization, null, remote);
    }

    /**
     * As {@link #check(String, String, SocketAddress)}, with a WebSocket producer's token (null: none),
     * which stands in for Basic credentials.
     */
    static Optional<String> check(String password, String authorization, String token, SocketAddress remote) {
        if (password == null) {
            return isLoopback(remote) ? Optional.empty()
                    : Optional.of("pushing from another host needs a source password: start the server with"
                    + " --source-password (or MP3CAST_SOURCE_PASSWORD), then send it as user 'source'");
        }
        if (token != null && authorization == null) {
            return constantTimeEquals(token, password) ? Optional.empty() : Optional.of("wrong source token");
        }
        Optional<String[]> credentials = basic(authorization);
        if (credentials.isEmpty()) {
            return Optional.of("source credentials required (HTTP Basic, user 'source')");
        }
        boolean userOk = credentials.get()[0].equals(USER);
        boolean passwordOk = constantTimeEquals(credentials.get()[1], password);
        return userOk && passwordOk ? Optional.empty() : Optional.of("wrong source credentials (user 'source')");
    }

    /** User and password of a {@code Basic} header, or empty when there is none or it is malformed. */
    public static Optional<String[]> basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty()
                : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    /**
     * The token a WebSocket request carries: from a {@code mp3cast.token.*} subprotocol, else from
     * {@code ?token=}; null when there is none or it does not decode.
     */
    static String token(String subprotocols, String queryToken) {
        if (subprotocols != null) {
            for (String p : subprotocols.split(",")) {
                String s = p.trim();
                if (s.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
                    try {
                        return new String(Base64.getUrlDecoder().decode(s.substring(TOKEN_SUBPROTOCOL_PREFIX.length())),
                                StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
            }
        }
        return queryToken;
    }

    public static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    public static boolean isLoopback(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            InetAddress address = inet.getAddress();
            return address != null && address.isLoopbackAddress();
        }
        return false;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
