package io.mp3cast.server;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.x client over a real socket: the tests need to stop reading, read exact
 * byte counts, set a small receive buffer and see chunk framing, which java.net.http hides.
 */
public final class RawHttp implements Closeable {
    final Socket socket;
    public final int status;
    final Map<String, String> headers;
    final InputStream body;
    private final InputStream raw;

    private RawHttp(Socket socket, int status, Map<String, String> headers, InputStream raw) throws IOException {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.raw = raw;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            this.body = new Dechunker(raw);
        } else if (headers.containsKey("content-length")) {
            this.body = new Limited(raw, Long.parseLong(headers.get("content-length")));
        } else {
            this.body = raw;
        }
    }

    public static RawHttp get(int port, String path, String... headerLines) throws IOException {
        return request(port, "GET", path, "HTTP/1.1", 0, headerLines);
    }

    public static RawHttp request(int port, String method, String path, String version, int receiveBufferBytes,
                           String... headerLines) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(20_000);
        StringBuilder req = new StringBuilder(method + " " + path + " " + version + "\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = headers(in);
        return new RawHttp(s, status, headers, method.equals("HEAD") ? InputStream.nullInputStream() : in);
    }

    /** Sizes of the chunks read so far (chunked bodies only). */
    public java.util.List<Integer> chunkSizes() {
        return ((Dechunker) body).chunkSizes;
    }

    /** The body until the server ends it. */
    public byte[] readAll() throws IOException {
        return body.readAllBytes();
    }

    /** Exactly {@code n} body bytes. */
    public byte[] readExactly(int n) throws IOException {
        byte[] b = body.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("body ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** Whether the server has closed the connection: reads what is left and sees the end or a reset. */
    public boolean serverClosed() {
        try {
            byte[] buf = new byte[65536];
            while (raw.read(buf) >= 0) {
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

    /** Reads header lines up to the empty one that ends a head: names lower-cased, names and values trimmed. */
    public static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; !(l = line(in)).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return headers;
    }

    public static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed in a header line");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Decodes a chunked body; checks the framing as it goes. */
    public static final class Dechunker extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;
        final java.util.List<Integer> chunkSizes = new java.util.ArrayList<>();

        Dechunker(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;  // readNBytes asks for 0 once it has all: that must not wait for the next chunk
            }
            if (left == 0) {
                String size = line(in);
                left = Long.parseLong(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    line(in);
                    done = true;
                    return -1;
                }
                chunkSizes.add((int) left);
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0 && !line(in).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }
    }

    public static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                left--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
