package io.mp3cast.server.relay;

import io.mp3cast.server.RelayTarget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A title change for an Icecast mount: {@code GET /admin/metadata?mode=updinfo&mount=...&song=...&charset=UTF-8}
 * with the source's credentials, as Icecast's source clients send it (Icecast takes them for the
 * mount the source feeds). One short connection per change, on the relay's event loop, over TLS for
 * an {@code https} target.
 */
final class MetadataUpdate {
    private static final int TIMEOUT_SECONDS = 10;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private MetadataUpdate() {}

    /**
     * Sends {@code title}; {@code done} gets null when Icecast took it, else why not.
     * Runs {@code done} on {@code loop}.
     */
    static void send(EventLoop loop, Class<? extends Channel> channelType, RelayTarget target, ClientTls tls,
                     String title, Consumer<String> done) {
        QueryStringEncoder query = new QueryStringEncoder("/admin/metadata", StandardCharsets.UTF_8);
        query.addParam("mode", "updinfo");
        query.addParam("mount", target.mount());
        query.addParam("song", title);
        query.addParam("charset", "UTF-8");
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, query.toString());
        req.headers().set(HttpHeaderNames.HOST, target.host() + ":" + target.port());
        req.headers().set(HttpHeaderNames.USER_AGENT, IcecastSource.USER_AGENT);
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (target.password() != null) {
            req.headers().set(HttpHeaderNames.AUTHORIZATION, basic(target.user(), target.password()));
        }
        Answer answer = new Answer(done, target);
        new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.handler(ch, target.host(), target.port()));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS), new HttpClientCodec(),
                                new HttpObjectAggregator(MAX_ANSWER_BYTES), answer);
                    }
                })
                .connect(target.host(), target.port()).addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(req);
                    } else {
                        req.release();
                        answer.finish("cannot connect: " + f.cause().getMessage());
                    }
                });
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Reports the first outcome only: the answer, an error, or the connection closing without one. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Consumer<String> done;
        private final RelayTarget target;
        private boolean finished;

        Answer(Consumer<String> done, RelayTarget target) {
            this.done = done;
            this.target = target;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            String body = res.content().toString(StandardCharsets.UTF_8);
            boolean ok = res.status().code() == 200 && !body.contains("<return>0</return>");
            finish(ok ? null : "HTTP " + res.status() + textOf(body));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ClientTls.why(cause, target.host(), target.port()));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish("connection closed without an answer");
        }

        void finish(String problem) {
            if (!finished) {
                finished = true;
                done.accept(problem);
            }
        }

        private static String textOf(String body) {
            String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
            return text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
        }
    }
}
