package io.mp3cast.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A radio player's connection, as Icecast's relays and most players make it: {@code GET} over
 * HTTP/1.0 (so the body is the rest of the connection, never chunked) with {@code Icy-MetaData: 1}.
 * A thread reads the body as it comes, strips the ICY metadata blocks and keeps the audio, when
 * each piece of it arrived, and every {@code StreamTitle} with when it came.
 */
public final class IcyCapture implements AutoCloseable {
    private static final Pattern TITLE = Pattern.compile("StreamTitle='(.*?)';", Pattern.DOTALL);

    /** A title as it came: {@code nanos} from {@link System#nanoTime()}. */
    public record Title(long nanos, String text) {}

    private final Socket socket;
    public final int status;
    public final Map<String, String> headers;
    private final int metaint;
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    /** Pairs of (audio bytes so far, nanoTime) after each read. */
    private final List<long[]> marks = new ArrayList<>();
    private final List<Title> titles = new ArrayList<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile Exception failure;

    private IcyCapture(Socket socket, int status, Map<String, String> headers, InputStream body) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.metaint = Integer.parseInt(headers.getOrDefault("icy-metaint", "0"));
        this.reader = new Thread(() -> read(body), "icy-capture");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to {@code http://127.0.0.1:port/path} and starts reading. */
    public static IcyCapture open(int port, String path) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: mp3cast-tests\r\n"
                + "Icy-MetaData: 1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        String statusLine = RawHttp.line(in);
        return new IcyCapture(s, Integer.parseInt(statusLine.split(" ")[1]), RawHttp.headers(in), in);
    }

    private void read(InputStream in) {
        byte[] buf = new byte[16 * 1024];
        try {
            long untilMeta = metaint > 0 ? metaint : Long.MAX_VALUE;
            while (true) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, untilMeta));
                if (n < 0) {
                    break;
                }
                synchronized (this) {
                    audio.write(buf, 0, n);
                    marks.add(new long[] {audio.size(), System.nanoTime()});
                }
                untilMeta -= n;
                if (untilMeta == 0) {
                    readMetadata(in);
                    untilMeta = metaint;
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure = e;
            }
        } finally {
            ended = true;
        }
    }

    private void readMetadata(InputStream in) throws IOException {
        int length = in.read();
        if (length < 0) {
            throw new EOFException("stream ended at a metadata length byte");
        }
        byte[] meta = in.readNBytes(length * 16);
        if (meta.length < length * 16) {
            throw new EOFException("stream ended inside a metadata block");
        }
        Matcher m = TITLE.matcher(new String(meta, StandardCharsets.UTF_8));
        if (m.find()) {
            synchronized (this) {
                titles.add(new Title(System.nanoTime(), m.group(1)));
            }
        }
    }

    /** An ICY body read at once: its audio, and each non-empty metadata block's text without its zero padding. */
    public record Blocks(byte[] audio, List<String> fields) {}

    /** Splits {@code wire}, a body with a metadata block after every {@code interval} audio bytes, as a radio player does. */
    public static Blocks split(byte[] wire, int interval) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        List<String> fields = new ArrayList<>();
        int at = 0;
        while (at < wire.length) {
            int n = Math.min(interval, wire.length - at);
            audio.write(wire, at, n);
            at += n;
            if (at >= wire.length) {
                break;
            }
            int length = (wire[at++] & 0xFF) * 16;
            if (length > 0) {
                int end = at + length;
                int text = end;
                while (text > at && wire[text - 1] == 0) {
                    text--;
                }
                fields.add(new String(wire, at, text - at, StandardCharsets.UTF_8));
                at = end;
            }
        }
        return new Blocks(audio.toByteArray(), fields);
    }

    /** The audio so far, metadata removed. */
    public synchronized byte[] audio() {
        return audio.toByteArray();
    }

    public synchronized int audioBytes() {
        return audio.size();
    }

    /** When the byte at {@code offset} of {@link #audio()} arrived, by {@link System#nanoTime()}. */
    public synchronized long arrivalNanos(long offset) {
        for (long[] m : marks) {
            if (m[0] > offset) {
                return m[1];
            }
        }
        throw new IllegalArgumentException("byte " + offset + " not received (" + audio.size() + " so far)");
    }

    public synchronized List<Title> titles() {
        return List.copyOf(titles);
    }

    /** Waits for {@code text} to arrive as a title; returns when it did, by {@link System#nanoTime()}. */
    public long awaitTitle(String text, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            for (Title t : titles()) {
                if (t.text().equals(text)) {
                    return t.nanos();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("title '" + text + "' not heard within " + timeoutMillis + " ms; titles: " + titles());
    }

    /** Waits for at least {@code bytes} of audio. */
    public void awaitAudioBytes(int bytes, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (audioBytes() < bytes) {
            if (System.nanoTime() > deadline || ended) {
                throw new AssertionError(audioBytes() + " of " + bytes + " audio bytes within " + timeoutMillis
                        + " ms" + (ended ? " (the stream ended)" : "") + (failure != null ? ": " + failure : ""));
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the server ends the stream. */
    public void awaitEnd(long timeoutMillis) throws InterruptedException {
        reader.join(timeoutMillis);
        if (!ended) {
            throw new AssertionError("stream still running after " + timeoutMillis + " ms");
        }
    }

    public boolean ended() {
        return ended;
    }

    /** A read error other than the end of the stream, if one happened. */
    public Exception failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
