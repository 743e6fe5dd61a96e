package io.mp3cast.cli;

import io.mp3cast.server.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Icecast 2.4's source handling on 127.0.0.1, port 0, over a bare socket: it answers
 * {@code GET}s (the probe) naming itself {@code Server: Icecast 2.4.4}, answers a source's {@code PUT}
 * with {@code 100 Continue} and reads the rest of the connection as the stream, as Icecast does,
 * and records each source connection. It can drop the first source after some bytes, as an Icecast
 * that goes away would.
 */
final class FakeIcecast implements AutoCloseable {
    /** One source connection: its request line, headers (lower-case names) and the bytes it sent. */
    record Source(String requestLine, Map<String, String> headers, byte[] body) {}

    private final ServerSocket server;
    private final int dropFirstAfterBytes;
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** @param dropFirstAfterBytes close the first source's connection after this many body bytes; 0 never */
    FakeIcecast(int dropFirstAfterBytes) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.dropFirstAfterBytes = dropFirstAfterBytes;
        this.acceptor = new Thread(this::acceptAll, "fake-icecast");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The source connections that have ended, waiting up to 10 s for {@code n} of them. */
    List<Source> sources(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sources.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return List.copyOf(sources);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                serve(s);
            } catch (IOException e) {
                // the next connection, or closed
            }
        }
    }

    private void serve(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String requestLine = RawHttp.line(in);
        Map<String, String> headers = RawHttp.headers(in);
        if (requestLine.startsWith("GET ")) {
            out.write("HTTP/1.0 404 Not Found\r\nServer: Icecast 2.4.4\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        out.write("HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        int limit = sources.isEmpty() && dropFirstAfterBytes > 0 ? dropFirstAfterBytes : Integer.MAX_VALUE;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; body.size() < limit && (n = in.read(buf, 0, Math.min(buf.length, limit - body.size()))) > 0; ) {
            body.write(buf, 0, n);
        }
        sources.add(new Source(requestLine, headers, body.toByteArray()));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
