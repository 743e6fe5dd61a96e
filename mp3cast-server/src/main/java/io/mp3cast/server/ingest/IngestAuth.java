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
 * constant time (both sides hashed first, so not even the length leaks). Without a configured
 * password, only connections from the loopback address may push, with or without credentials.
 */
public final class IngestAuth {
    public static final String USER = "source";

    private IngestAuth() {}

    /** Empty when the source may push; else why not, for a 401's body. */
    static Optional<String> check(String password, String authorization, SocketAddress remote) {
        if (password == null) {
            return isLoopback(remote) ? Optional.empty()
                    : Optional.of("pushing from another host needs a source password: start the server with"
                    + " --source-password (or MP3CAST_SOURCE_PASSWORD), then send it as user 'source'");
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
