package io.mp3cast.server.relay;

import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/**
 * TLS for mp3cast as a client (an {@code https} upstream of a relay mount, an {@code https}
 * {@code relay-to} target and its title updates): the JDK's TLS, the server's certificate checked
 * against the JDK's trusted CAs or those of a PEM file ({@code ca=FILE}), and its name against the
 * host connected to (SNI sent, endpoint identification {@code HTTPS}). The JDK's provider, not
 * OpenSSL, so that both checks and their messages are the same wherever mp3cast runs; a relay makes
 * a handful of connections, where OpenSSL's speed does not matter.
 */
final class ClientTls {
    private final SslContext context;

    private ClientTls(SslContext context) {
        this.context = context;
    }

    /**
     * @param caFile PEM certificates to trust instead of the JDK's CAs, or null for the JDK's
     * @throws IllegalArgumentException naming the file when it does not load
     */
    static ClientTls trusting(Path caFile) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS");
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("ca: cannot read " + caFile);
        }
        try {
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            return new ClientTls(builder.build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("ca: cannot load " + caFile + " (PEM certificates expected): "
                    + e.getMessage(), e);
        }
    }

    /** The TLS handler for a new connection to {@code host:port}; first in its pipeline. */
    SslHandler handler(Channel ch, String host, int port) {
        return context.newHandler(ch.alloc(), host, port);
    }

    /**
     * What a failed TLS connection to {@code host:port} says in a relay's {@code lastError} and log:
     * one line naming the cause a user can act on, or null when {@code cause} is no TLS failure.
     */
    static String describe(Throwable cause, String host, int port) {
        String where = "TLS with " + host + ":" + port + " failed: ";
        if (find(cause, NotSslRecordException.class) != null) {
            return where + "the server does not speak TLS there (an http:// URL?)";
        }
        if (find(cause, CertificateExpiredException.class) != null || find(cause, CertificateNotYetValidException.class) != null) {
            return where + "its certificate has expired or is not yet valid (" + rootMessage(cause) + ")";
        }
        if (find(cause, CertPathBuilderException.class) != null) {
            return where + "its certificate is not trusted (" + rootMessage(cause)
                    + "); name the CA that signed it with ca=FILE";
        }
        String root = rootMessage(cause);
        if (root.startsWith("No subject alternative") || root.startsWith("No name matching")) {
            return where + "its certificate is not for " + host + " (" + root + ")";
        }
        return find(cause, SSLException.class) != null ? where + root : null;
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** Why a connection failed, for a relay's {@code lastError}: TLS failures described, anything else by its message. */
    static String why(Throwable cause, String host, int port) {
        String tls = describe(cause, host, port);
        if (tls != null) {
            return tls;
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
