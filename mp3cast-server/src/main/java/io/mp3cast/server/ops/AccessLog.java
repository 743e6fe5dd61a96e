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
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    /** Where a connection's request, as it came, waits for its line. */
    public static final AttributeKey<Entry> ENTRY = AttributeKey.valueOf("mp3cast.access");
    public static final AccessLog OFF = new AccessLog(null, false);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Writer out;
    private final boolean closeOut;
    private boolean failed;

    private AccessLog(Writer out, boolean closeOut) {
        this.out = out;
        this.closeOut = closeOut;
    }

    /** Appends to {@code file}, or to standard output when it is {@code -}. */
    public static AccessLog open(String fileOrDash) {
        if ("-".equals(fileOrDash)) {
            return to(System.out, false);
        }
        try {
            Path file = Path.of(fileOrDash);
            OutputStream o = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return to(o, true);
        } catch (IOException e) {
            throw new UncheckedIOException("access log: cannot open " + fileOrDash + ": " + e.getMessage(), e);
        }
    }

    /** Writes to {@code out} (tests use a buffer). */
    public static AccessLog to(OutputStream out, boolean closeIt) {
        return new AccessLog(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), closeIt);
    }

    public boolean isOn() {
        return out != null;
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
        if (out == null) {
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
        if (out != null) {
            Entry e = ch.attr(ENTRY).getAndSet(null);
            if (e != null) {
                write(e, status, bytes);
            }
        }
    }

    public void write(Entry e, int status, long bytes) {
        if (out == null || e == null) {
            return;
        }
        long now = System.currentTimeMillis();
        String line = e.remote() + " - " + e.user() + " [" + TIME.format(Instant.ofEpochMilli(e.startMillis())
                .atZone(ZoneId.systemDefault())) + "] \"" + clean(e.requestLine()) + "\" " + status + " " + bytes
                + " \"" + clean(e.referer()) + "\" \"" + clean(e.userAgent()) + "\" " + e.seconds(now) + "\n";
        synchronized (this) {
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
