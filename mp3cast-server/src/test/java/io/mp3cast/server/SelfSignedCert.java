package io.mp3cast.server;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code mp3cast.test} and 127.0.0.1, made by the JDK's
 * {@code keytool} (so no openssl is needed), written as PEM files the way a server gets them:
 * {@code cert.pem} and a PKCS#8 {@code key.pem}.
 */
public final class SelfSignedCert {
    public static final String HOST = "mp3cast.test";
    public final Path cert;
    public final Path key;
    public final X509Certificate x509;

    private SelfSignedCert(Path cert, Path key, X509Certificate x509) {
        this.cert = cert;
        this.key = key;
        this.x509 = x509;
    }

    /** Makes a new key pair and certificate, and writes them to {@code certFile} and {@code keyFile} (atomically). */
    public static SelfSignedCert make(Path dir, Path certFile, Path keyFile, String commonName) throws Exception {
        Path store = Files.createTempFile(dir, "ks-", ".p12");
        Files.delete(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Tools.Run r = Tools.run(List.of(keytool, "-genkeypair", "-alias", "mp3cast", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + commonName, "-ext", "SAN=dns:" + HOST + ",ip:127.0.0.1", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        if (r.exitCode() != 0) {
            throw new AssertionError("keytool failed: " + r.stderr() + r.stdout());
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey privateKey = (PrivateKey) ks.getKey("mp3cast", "changeit".toCharArray());
        X509Certificate x509 = (X509Certificate) ks.getCertificate("mp3cast");
        writeAtomically(dir, certFile, pem("CERTIFICATE", x509.getEncoded()));
        writeAtomically(dir, keyFile, pem("PRIVATE KEY", privateKey.getEncoded()));
        Files.delete(store);
        return new SelfSignedCert(certFile, keyFile, x509);
    }

    public static SelfSignedCert make(Path dir) throws Exception {
        return make(dir, dir.resolve("cert.pem"), dir.resolve("key.pem"), HOST);
    }

    private static void writeAtomically(Path dir, Path target, String text) throws Exception {
        Path tmp = Files.createTempFile(dir, "pem-", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A client context that trusts this certificate only. */
    public SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("mp3cast", x509);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** What Chromium's {@code --ignore-certificate-errors-spki-list} takes: base64 SHA-256 of the public key. */
    public String spkiSha256() throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(x509.getPublicKey().getEncoded()));
    }

    public static String fingerprint(Certificate c) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }
}
