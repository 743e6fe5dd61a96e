package io.mp3cast.server.tls;

import io.mp3cast.server.TlsSettings;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS context, rebuilt when the certificate or key file changes on disk (a new
 * modification time, size or inode, as a renewal or an atomic replace gives). Each new connection
 * asks for {@link #current()}, which looks at both files (two {@code stat}s) and rebuilds at most
 * once per change. A pair that does not load (a key written before its certificate, a typo) is
 * logged and the previous context stays in use until the files load again.
 *
 * <p>Threading: {@link #current()} is called on event loops; a rebuild happens on the first loop
 * that sees the change, under a lock, and takes a few milliseconds.
 */
public final class ReloadingSslContext {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);

    private final TlsSettings settings;
    private final SslProvider provider;
    private volatile Loaded loaded;
    private volatile List<Object> failedStamp;

    private record Loaded(SslContext context, List<Object> stamp) {}

    private ReloadingSslContext(TlsSettings settings, SslProvider provider, Loaded first) {
        this.settings = settings;
        this.provider = provider;
        this.loaded = first;
    }

    /**
     * Loads the files once, choosing the provider.
     *
     * @throws IllegalArgumentException naming the file when the pair cannot be loaded, or OPENSSL
     *                                  was asked for and does not load
     */
    public static ReloadingSslContext load(TlsSettings settings) {
        SslProvider provider = provider(settings.provider());
        List<Object> stamp = stamp(settings);
        try {
            SslContext context = build(settings, provider);
            LOG.info("TLS by {} ({}), certificate {}, key {}; reloaded when they change", provider == SslProvider.OPENSSL
                    ? "OpenSSL" : "the JDK", describe(provider), settings.certFile(), settings.keyFile());
            return new ReloadingSslContext(settings, provider, new Loaded(context, stamp));
        } catch (Exception e) {
            throw new IllegalArgumentException("tls: cannot load certificate " + settings.certFile() + " with key "
                    + settings.keyFile() + ": " + e.getMessage(), e);
        }
    }

    /** OpenSSL or the JDK: which one does the TLS. */
    public SslProvider provider() {
        return provider;
    }

    /** The context for a new connection: the files' current pair, or the last pair that loaded. */
    public SslContext current() {
        Loaded now = loaded;
        List<Object> stamp;
        try {
            stamp = stamp(settings);
        } catch (UncheckedIOException e) {
            return now.context;  // a file being replaced; the next connection looks again
        }
        if (stamp.equals(now.stamp) || stamp.equals(failedStamp)) {
            return now.context;
        }
        synchronized (this) {
            if (!stamp.equals(loaded.stamp)) {
                reload(stamp);
            }
            return loaded.context;
        }
    }

    private void reload(List<Object> stamp) {
        try {
            loaded = new Loaded(build(settings, provider), stamp);
            failedStamp = null;
            LOG.info("TLS: certificate {} reloaded", settings.certFile());
        } catch (Exception e) {
            failedStamp = stamp;
            LOG.warn("TLS: certificate {} with key {} did not load ({}); still serving the previous one",
                    settings.certFile(), settings.keyFile(), e.toString());
        }
    }

    private static SslContext build(TlsSettings settings, SslProvider provider) throws IOException {
        return SslContextBuilder.forServer(settings.certFile().toFile(), settings.keyFile().toFile())
                .sslProvider(provider).build();
    }

    private static SslProvider provider(TlsSettings.Provider wanted) {
        boolean openSsl;
        try {
            openSsl = OpenSsl.isAvailable();
        } catch (Throwable t) {  // tcnative's classes absent: an Error, not an exception
            openSsl = false;
        }
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!openSsl) {
                    throw new IllegalArgumentException("tls provider: OpenSSL does not load here ("
                            + OpenSsl.unavailabilityCause() + "); use auto or jdk");
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> {
                if (!openSsl) {
                    LOG.info("TLS: OpenSSL (netty-tcnative) does not load ({}): using the JDK's TLS", unavailable());
                }
                yield openSsl ? SslProvider.OPENSSL : SslProvider.JDK;
            }
        };
    }

    private static String unavailable() {
        try {
            Throwable cause = OpenSsl.unavailabilityCause();
            return cause == null ? "unknown" : cause.toString();
        } catch (Throwable t) {
            return "netty-tcnative is not on the classpath";
        }
    }

    private static String describe(SslProvider provider) {
        return provider == SslProvider.OPENSSL ? OpenSsl.versionString() : System.getProperty("java.version");
    }

    /** What tells a changed file: modification time, size and inode of both files (links followed). */
    private static List<Object> stamp(TlsSettings s) {
        try {
            BasicFileAttributes cert = Files.readAttributes(s.certFile(), BasicFileAttributes.class);
            BasicFileAttributes key = Files.readAttributes(s.keyFile(), BasicFileAttributes.class);
            return List.of(cert.lastModifiedTime(), cert.size(), Objects.toString(cert.fileKey()),
                    key.lastModifiedTime(), key.size(), Objects.toString(key.fileKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
