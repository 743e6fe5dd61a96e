package io.mp3cast.server;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A source over a bare socket, so tests control the exact request shape: chunked bodies with
 * chosen chunk sizes, sized bodies, and Icecast's shape (no length, no chunking, after
 * {@code Expect: 100-continue} or the legacy {@code SOURCE} method).
 */
public final class Pusher implements Closeable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final boolean chunked;
    long bytesWritten;

    /** A status line, headers and body read from the server. */
    public record Response(int status, Map<String, String> headers, String body) {}

    private Pusher(Socket socket, boolean chunked) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.chunked = chunked;
    }

    public static Socket connect(int port, int sendBufferBytes) throws IOException {
        Socket s = new Socket();
        if (sendBufferBytes > 0) {
            s.setSendBufferSize(sendBufferBytes);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** A {@code PUT} with a chunked body; write with {@link #write}, end with {@link #finish}. */
    public static Pusher chunked(int port, String target, String... headers) throws IOException {
        return chunked(port, 0, target, headers);
    }

    public static Pusher chunked(int port, int sendBufferBytes, String target, String... headers) throws IOException {
        Pusher p = new Pusher(connect(port, sendBufferBytes), true);
        p.head("PUT " + target + " HTTP/1.1", join(headers, "Transfer-Encoding: chunked"));
        return p;
    }

    /** Icecast 2.4's source request as ffmpeg sends it; returns once the server said 100 Continue. */
    public static Pusher icecast(int port, String path, String password, String... headers) throws IOException {
        Pusher p = new Pusher(connect(port, 0), false);
        String[] all = join(headers, "Content-Type: audio/mpeg", "Expect: 100-continue", "Ice-Public: 0",
                "User-Agent: Lavf/59.27.100");
        if (password != null) {
            all = join(all, basic("source", password));
        }
        p.head("PUT " + path + " HTTP/1.1", all);
        Response r = p.readHead();
        if (r.status != 100) {
            throw new IOException("expected 100 Continue, got " + r.status + ": " + p.readBody(r));
        }
        return p;
    }

    /** The legacy {@code SOURCE} method (HTTP/1.0); returns once the server said 200. */
    public static Pusher legacySource(int port, String path, String password) throws IOException {
        Pusher p = new Pusher(connect(port, 0), false);
        p.head("SOURCE " + path + " HTTP/1.0", basic("source", password), "Content-Type: audio/mpeg",
                "ice-name: Legacy", "ice-genre: test");
        Response r = p.readHead();
        if (r.status != 200) {
            throw new IOException("expected 200, got " + r.status);
        }
        return p;
    }

    public static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String[] join(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private void head(String requestLine, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Bytes of the body: one chunk when chunked, else raw. */
    public void write(byte[] b, int off, int len) throws IOException {
        if (chunked) {
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.write(b, off, len);
        }
        out.flush();
        bytesWritten += len;
    }

    /** Bytes exactly as given, framing and all: for bodies that break the rules. */
    public void writeRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes {@code body} in chunks whose sizes cycle through {@code sizes}. */
    public void writeInPieces(byte[] body, int... sizes) throws IOException {
        int at = 0;
        for (int i = 0; at < body.length; i++) {
            int n = Math.min(sizes[i % sizes.length], body.length - at);
            write(body, at, n);
            at += n;
        }
    }

    /** Ends a chunked body and reads the answer. */
    public Response finish() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return response();
    }

    public Response response() throws IOException {
        Response head = readHead();
        return new Response(head.status, head.headers, readBody(head));
    }

    private Response readHead() throws IOException {
        String status = RawHttp.line(in);
        return new Response(Integer.parseInt(status.split(" ")[1]), RawHttp.headers(in), "");
    }

    private String readBody(Response head) throws IOException {
        String length = head.headers.get("content-length");
        if (length == null) {
            return "";
        }
        return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection (reads until the end or a reset). */
    public boolean serverClosed() {
        try {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Little-endian float32 bytes. */
    public static byte[] f32le(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            b.putFloat(s);
        }
        return b.array();
    }

    /** 16-bit bytes in the given order. */
    public static byte[] s16(short[] samples, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(order);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
