package io.mp3cast.server.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * TLS and plain HTTP on one port: looks at a connection's first bytes (a TLS record header, or
 * not) and puts the TLS handler in its place, or just steps aside. Nothing is read twice.
 */
public final class TlsSniffer extends ByteToMessageDecoder {
    /** A TLS record header: type, version, length. */
    private static final int HEADER_BYTES = 5;
    public static final String NAME = "tls";

    private final ReloadingSslContext context;

    public TlsSniffer(ReloadingSslContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_BYTES) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().replace(this, NAME, context.current().newHandler(ctx.alloc()));
        } else {
            ctx.pipeline().remove(this);
        }
    }
}
