package io.mp3cast.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for an mp3cast server's ingest endpoint on 127.0.0.1, port 0: it reads each request's
 * body to its end, then answers with a fixed status and message, and records what came. It names
 * itself {@code Server: mp3cast} as the real one does, on the probe {@code push} sends first
 * ({@code GET /status.json}, answered and not recorded) and on every answer.
 */
final class FakeIngest implements AutoCloseable {

    /**
     * One request as it arrived.
     *
     * @param headers    the request headers, their names case-insensitive
     * @param bodyNanos  from the handler's start (headers in) to the body's last byte
     */
    record Request(String method, String path, String rawQuery, Headers headers, byte[] body, long bodyNanos) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong bodyBytesSoFar = new AtomicLong();
    private final int status;
    private final String message;

    private FakeIngest(int status, String message) throws IOException {
        this.status = status;
        this.message = message;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers every upload {@code 200 OK}, with no body. */
    static FakeIngest accepting() throws IOException {
        return new FakeIngest(200, "");
    }

    /** Answers every upload with {@code status} and {@code message} as a text/plain body. */
    static FakeIngest answering(int status, String message) throws IOException {
        return new FakeIngest(status, message);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The one request that came; fails if there were none or several. */
    Request request() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size());
        }
        return requests.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Server", "mp3cast 0.1");
        if (exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().equals("/status.json")) {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        long start = System.nanoTime();
        byte[] body = readBody(exchange);
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, System.nanoTime() - start));
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, text.length == 0 ? -1 : text.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text);
        }
    }

    /** Reads as the bytes come, counting them, so a test can see a body arrive before it has ended. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                body.write(buf, 0, n);
                bodyBytesSoFar.addAndGet(n);
            }
        }
        return body.toByteArray();
    }

    /** Body bytes received so far, over all requests. */
    long bodyBytesSoFar() {
        return bodyBytesSoFar.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
