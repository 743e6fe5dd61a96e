package io.mp3cast.server.ops;

import io.mp3cast.server.ingest.IngestAuth;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, and per listener, stream and source session when it ends, in Icecast's
 * access-log format (Apache's combined format plus the session's duration in seconds):
 * <pre>
 * 127.0.0.1 - - [09/Nov/2026:10:00:00 +0000] "GET /stream.mp3 HTTP/1.1" 200 1234567 "-" "VLC/3.0.20" 312
 * </pre>
 * Bytes are the body bytes sent (received, for a source). Lines are written whole and flushed
 * one at a time, under a lock: a few microseconds into the page cache per request.
 *
 * <p><b>Rotation.</b> A file log notices when its path names another file, or none (logrotate
 * moved it away and maybe made a new one), at most {@link #ROTATION_CHECK_MILLIS} after, on the next
 * line it writes, and reopens the path: no signal and no {@code copytruncate} needed, and no line is
 * lost (lines before the reopen are in the moved file).
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    /** Where a connection's request, as it came, waits for its line. */
    public static final AttributeKey<Entry> ENTRY = AttributeKey.valueOf("mp3cast.access");
    public static final AccessLog OFF = new AccessLog(null, false);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    /** How often a file log looks whether its path still names the file it writes. */
    static final long ROTATION_CHECK_MILLIS = 1000;

    /** Guarded by this (a rotation replaces it); null when the log is off. */
    private Writer out;
    private final boolean on;
    private final boolean closeOut;
    /** The file's path, or null when the log is not a file. */
    private final Path file;
    /** The identity ({@code fileKey}) of the file open now, or null where the file system has none. */
    private Object openKey;
    private long checkedAtMillis;
    private boolean failed;

    private AccessLog(Writer out, boolean closeOut) {
        this(out, closeOut, null, null);
    }

    private AccessLog(Writer out, boolean closeOut, Path file, Object openKey) {
        this.out = out;
        this.on = out != null;
        this.closeOut = closeOut;
        this.file = file;
        this.openKey = openKey;
        this.checkedAtMillis = System.currentTimeMillis();
    }

    /** Appends to {@code file}, or to standard output when it is {@code -}. */
    public static AccessLog open(String fileOrDash) {
        if ("-".equals(fileOrDash)) {
            return to(System.out, false);
        }
        try {
            Path file = Path.of(fileOrDash);
            return new AccessLog(writerOf(file), true, file, keyOf(file));
        } catch (IOException e) {
            throw new UncheckedIOException("access log: cannot open " + fileOrDash + ": " + e.getMessage(), e);
        }
    }

    private static Writer writerOf(Path file) throws IOException {
        return writerOf(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE));
    }

    private static Writer writerOf(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    /** The file's identity (device and inode on Linux), or null if it is gone or has none. */
    private static Object keyOf(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Under the lock: reopens the path when it names another file (or none) than the one open. */
    private void reopenIfRotated(long nowMillis) {
        if (file == null || openKey == null || nowMillis - checkedAtMillis < ROTATION_CHECK_MILLIS) {
            return;
        }
        checkedAtMillis = nowMillis;
        if (openKey.equals(keyOf(file))) {
            return;
        }
        try {
            Writer next = writerOf(file);
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("access log: closing the rotated file failed: {}", e.toString());
            }
            out = next;
            openKey = keyOf(file);
            LOG.info("access log: {} was rotated; writing to it anew", file);
        } catch (IOException e) {
            if (!failed) {
                LOG.warn("access log: cannot reopen {} after rotation: {}; writing on to the old file", file, e.toString());
            }
            failed = true;
        }
    }

    /** Writes to {@code out} (tests use a buffer). */
    public static AccessLog to(OutputStream out, boolean closeIt) {
        return new AccessLog(writerOf(out), closeIt);
    }

    public boolean isOn() {
        return on;
    }

    /**
     * A request as it came: kept on its channel until its line is written. {@code remote} is the
     * client's address without a port.
     */
    public record Entry(String remote, String user, long startMillis, String requestLine, String referer,
                        String userAgent) {
        public long seconds(long nowMillis) {
            return Math.max(0, (nowMillis - startMillis) / 1000);
        }
    }

    /** Notes {@code req} on its channel, for the line written when its answer or session ends. */
    public Entry begin(Channel ch, HttpRequest req) {
        if (!on) {
            return null;
        }
        String user = IngestAuth.basic(req.headers().get(HttpHeaderNames.AUTHORIZATION)).map(c -> c[0]).orElse("-");
        Entry e = new Entry(host(ch), user.isEmpty() ? "-" : user, System.currentTimeMillis(),
                req.method() + " " + req.uri() + " " + req.protocolVersion(),
                req.headers().get(HttpHeaderNames.REFERER, "-"), req.headers().get(HttpHeaderNames.USER_AGENT, "-"));
        ch.attr(ENTRY).set(e);
        return e;
    }

    /** Writes the line of the request noted on {@code ch}, if any, and forgets it. */
    public void end(Channel ch, int status, long bytes) {
        if (on) {
            Entry e = ch.attr(ENTRY).getAndSet(null);
            if (e != null) {
                write(e, status, bytes);
            }
        }
    }

    public void write(Entry e, int status, long bytes) {
        if (!on || e == null) {
            return;
        }
        long now = System.currentTimeMillis();
        String line = e.remote() + " - " + e.user() + " [" + TIME.format(Instant.ofEpochMilli(e.startMillis())
                .atZone(ZoneId.systemDefault())) + "] \"" + clean(e.requestLine()) + "\" " + status + " " + bytes
                + " \"" + clean(e.referer()) + "\" \"" + clean(e.userAgent()) + "\" " + e.seconds(now) + "\n";
        synchronized (this) {
            reopenIfRotated(now);
            try {
                out.write(line);
                out.flush();
                failed = false;
            } catch (IOException ex) {
                if (!failed) {
                    LOG.warn("access log: write failed: {}", ex.toString());
                }
                failed = true;
            }
        }
    }

    private static String host(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
                : String.valueOf(ch.remoteAddress());
    }

    private static String clean(String s) {
        return s.replace("\"", "%22").replaceAll("[\\r\\n\\t]", " ");
    }

    @Override
    public synchronized void close() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
            if (closeOut) {
                out.close();
            }
        } catch (IOException e) {
            LOG.warn("access log: close failed: {}", e.toString());
        }
    }
}
