package io.mp3cast.server;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.time.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's whole pipeline (caps, timeouts, HTTP codec, router, ingest) on an
 * {@link EmbeddedChannel}: request bytes go in cut wherever a test or a fuzzer likes, and what the
 * server answers comes out. A password is set, since an embedded channel is not loopback; one
 * push mount {@code /p.mp3} is configured, and producers may create others (at most 8).
 */
public final class IngestPipeline implements AutoCloseable {
    public static final String PASSWORD = "fuzz";
    public static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString(("source:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private final Mp3CastServer server;
    /** Body bytes the last producer sent, as the server counted them when it left. */
    private final AtomicLong producerBytes = new AtomicLong(-1);

    public IngestPipeline() throws java.io.IOException {
        ServerMetrics metrics = new ServerMetrics() {
            @Override
            public void producerDisconnected(String mount, long bytes) {
                producerBytes.set(bytes);
            }
        };
        server = Mp3CastServer.builder().host("127.0.0.1").port(0).scheduler(Scheduler.manual()).metrics(metrics)
                .ingest(IngestSettings.DEFAULT.withSourcePassword(PASSWORD).withMaxMounts(8))
                .pushMount(MountConfig.of("/p.mp3"), EncoderSettings.cbr(64)).start();
    }

    /** What the server answered to {@code request}, written in pieces cut at {@code cuts} (offsets, ascending), and then the channel closed. */
    public Exchange exchange(byte[] request, int... cuts) {
        producerBytes.set(-1);
        EmbeddedChannel ch = server.embeddedChannel();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int at = 0;
            for (int cut : cuts) {
                int to = Math.max(at, Math.min(cut, request.length));
                write(ch, request, at, to, out);
                at = to;
            }
            write(ch, request, at, request.length, out);
            ch.runPendingTasks();
            drain(ch, out);
        } finally {
            ch.close();
            ch.runPendingTasks();
            drain(ch, out);
            ch.finishAndReleaseAll();
        }
        return new Exchange(out.toString(StandardCharsets.ISO_8859_1), producerBytes.get());
    }

    private static void write(EmbeddedChannel ch, byte[] request, int from, int to, ByteArrayOutputStream out) {
        if (to > from && ch.isOpen()) {
            ch.writeInbound(Unpooled.copiedBuffer(request, from, to - from));
            ch.checkException();
            drain(ch, out);
        }
    }

    private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
        Object msg;
        while ((msg = ch.readOutbound()) != null) {
            if (msg instanceof ByteBuf b) {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /**
     * @param response       every byte the server wrote
     * @param producerBytes  body bytes the producer had sent when it left, or -1 when none connected
     */
    public record Exchange(String response, long producerBytes) {
        public int status() {
            return response.length() < 12 ? -1 : Integer.parseInt(response.substring(9, 12));
        }

        /**
         * Whether any status line the server wrote (a 100 Continue may come first) is a 500. Only
         * status lines count: a 400's text may well say "after 500 bytes".
         */
        public boolean anyServerError() {
            return java.util.regex.Pattern.compile("(?m)^HTTP/1\\.[01] 500 ").matcher(response).find();
        }

        /** The last line of the response: the final answer's text. */
        public String lastLine() {
            String[] lines = response.strip().split("\r?\n");
            return lines[lines.length - 1];
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
