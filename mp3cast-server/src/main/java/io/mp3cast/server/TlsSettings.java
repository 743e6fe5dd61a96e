package io.mp3cast.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * HTTPS (and WSS for producers): a PEM certificate chain and its PEM private key (PKCS#8,
 * {@code -----BEGIN PRIVATE KEY-----}), re-read when either file changes, so a renewed
 * certificate is served to the next connection without a restart.
 *
 * @param certFile  the certificate chain, leaf first (certbot's {@code fullchain.pem})
 * @param keyFile   the private key (certbot's {@code privkey.pem})
 * @param port      a port of its own for TLS, or -1 to take TLS and plain HTTP on the server's port
 *                  (each connection's first bytes tell which); 0 picks a free port
 * @param provider  who does the TLS: OpenSSL (BoringSSL from netty-tcnative) when it loads, else the JDK
 */
public record TlsSettings(Path certFile, Path keyFile, int port, Provider provider) {
    /** Who does the TLS. */
    public enum Provider {
        /** OpenSSL when netty-tcnative loads, the JDK otherwise; the choice is logged. */
        AUTO,
        /** netty-tcnative's BoringSSL; fails at start when it does not load. */
        OPENSSL,
        /** The JDK's TLS. */
        JDK
    }

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(provider, "provider");
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("tls port not supported: " + port + " (-1 for the server's port, 0-65535)");
        }
    }

    /** TLS on the server's own port, by OpenSSL when it loads. */
    public static TlsSettings of(Path certFile, Path keyFile) {
        return new TlsSettings(certFile, keyFile, -1, Provider.AUTO);
    }

    public TlsSettings withPort(int newPort) {
        return new TlsSettings(certFile, keyFile, newPort, provider);
    }

    public TlsSettings withProvider(Provider newProvider) {
        return new TlsSettings(certFile, keyFile, port, newProvider);
    }

    /** Whether TLS has a port of its own. */
    public boolean ownPort() {
        return port >= 0;
    }
}
