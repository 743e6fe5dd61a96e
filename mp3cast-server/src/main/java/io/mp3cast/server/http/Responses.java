package io.mp3cast.server.http;

import io.mp3cast.server.status.StatusPages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The server's one set of small responses and its one send-and-clean-up path (as in Netty's
 * {@code HttpStaticFileServerHandler}): every full response, error or not, goes through
 * {@link #send}, which decides between keep-alive and close; every refusal goes through
 * {@link #error}, which gives it a request id, logs it once ({@link ErrorLog}) and never shows
 * an exception's text to the client.
 */
public final class Responses {
    /** The header that carries a refused request's id, as its log line does. */
    public static final String REQUEST_ID = "X-Request-Id";

    private Responses() {}

    /** A small {@code text/plain} response: the message and a newline. */
    public static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, String message) {
        FullHttpResponse res = new DefaultFullHttpResponse(version, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return res;
    }

    /**
     * A whole {@code text/plain} response as raw bytes, ending with {@code Connection: close}: for a
     * connection whose HTTP codec is gone (or never came), before it is closed.
     */
    public static ByteBuf raw(ByteBufAllocator alloc, HttpVersion version, HttpResponseStatus status, String message,
                              String requestId) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (requestId != null) {
            h.set(REQUEST_ID, requestId);
        }
        common(h);
        ByteBuf head = HttpWire.head(alloc, version, status, h);
        return head.writeBytes(body);
    }

    /** CORS for players on other origins, and the server's name: on every response. */
    public static void common(HttpHeaders h) {
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS,
                "icy-metaint, icy-name, icy-description, icy-genre, icy-br, Content-Range, Accept-Ranges, " + REQUEST_ID);
        h.set(HttpHeaderNames.SERVER, StatusPages.SERVER_ID);
    }

    /**
     * Sends a full response. The connection is kept when the client asked for it and its request
     * had no body; then it waits for the next request (idle timeout). A request with a body is
     * answered, its body read and dropped ({@link BodyDrain}), and the connection closed. Otherwise the
     * connection closes once the response is written.
     */
    public static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        boolean body = HttpUtil.isTransferEncodingChunked(req) || contentLength(req) > 0;
        if (body) {
            finish(ctx, res, Then.CALLER_CLOSES);
            BodyDrain.install(ctx);
        } else {
            finish(ctx, res, HttpUtil.isKeepAlive(req) ? Then.KEEP_ALIVE : Then.CLOSE);
        }
    }

    /** Sends a full response and closes the connection. */
    public static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse res) {
        finish(ctx, res, Then.CLOSE);
    }

    /**
     * Sends a full response and closes the connection; a body the request still has coming is read
     * and dropped first ({@link BodyDrain}), so the client sees the answer rather than a reset,
     * unless the parser failed on the request (then what follows cannot be framed).
     */
    public static void sendAndClose(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        boolean body = req != null && req.decoderResult().isSuccess()
                && (HttpUtil.isTransferEncodingChunked(req) || contentLength(req) > 0 && contentLength(req) < Long.MAX_VALUE);
        if (body) {
            finish(ctx, res, Then.CALLER_CLOSES);
            BodyDrain.install(ctx);
        } else {
            finish(ctx, res, Then.CLOSE);
        }
    }

    /** What becomes of the connection after a response. */
    private enum Then { KEEP_ALIVE, CLOSE, CALLER_CLOSES }

    private static void finish(ChannelHandlerContext ctx, FullHttpResponse res, Then then) {
        common(res.headers());
        if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        HttpUtil.setKeepAlive(res, then == Then.KEEP_ALIVE);
        var future = ctx.channel().writeAndFlush(res);
        if (then == Then.KEEP_ALIVE) {
            ConnectionTimer.awaitNextRequest(ctx.channel());
        } else if (then == Then.CLOSE) {
            ctx.channel().config().setAutoRead(false);
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The one error path: answers {@code status} with {@code message} and a request id, logs one
     * line (rate-limited), and closes the connection when {@code close} is set (a malformed
     * request: the parser's state is not to be trusted) or the status is a 5xx.
     */
    public static void error(ChannelHandlerContext ctx, HttpRequest req, ErrorLog log, HttpResponseStatus status,
                             String message, boolean close) {
        FullHttpResponse res = errorResponse(ctx, req, log, status, message);
        if (close || status.code() >= 500 || req == null) {
            sendAndClose(ctx, req, res);
        } else {
            send(ctx, req, res);
        }
    }

    /** A refusal's response, with a new request id, logged once (rate-limited); the caller sends it. */
    public static FullHttpResponse errorResponse(ChannelHandlerContext ctx, HttpRequest req, ErrorLog log,
                                                 HttpResponseStatus status, String message) {
        String id = log.nextId();
        log.log(id, describe(req), ctx.channel().remoteAddress(), status.code(), message, null);
        return response(req, status, message, id);
    }

    /**
     * An unexpected exception while answering {@code req} (null: before any request): {@code 500
     * internal error} with the request id, never the exception's text, which goes to the log line
     * with that id; the caller sends it and closes.
     */
    public static FullHttpResponse internalErrorResponse(ChannelHandlerContext ctx, HttpRequest req, ErrorLog log,
                                                         Throwable cause) {
        String id = log.nextId();
        log.log(id, describe(req), ctx.channel().remoteAddress(), 500, "internal error", cause);
        return response(req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error (request id " + id + ")", id);
    }

    private static FullHttpResponse response(HttpRequest req, HttpResponseStatus status, String message, String id) {
        FullHttpResponse res = text(req == null ? HttpVersion.HTTP_1_1 : req.protocolVersion(), status, message);
        res.headers().set(REQUEST_ID, id);
        if (status.equals(HttpResponseStatus.UNAUTHORIZED)) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"mp3cast\"");
        }
        return res;
    }

    /** The method and path for a log line: never the query (it may carry a token), no control characters. */
    public static String describe(HttpRequest req) {
        if (req == null) {
            return "connection";
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        return req.method().name() + " " + path.replaceAll("[\\p{Cntrl}]", "?");
    }

    /** The request's Content-Length, or Long.MAX_VALUE when it is not a number (such a request is refused anyway). */
    private static long contentLength(HttpRequest req) {
        try {
            return HttpUtil.getContentLength(req, 0L);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
