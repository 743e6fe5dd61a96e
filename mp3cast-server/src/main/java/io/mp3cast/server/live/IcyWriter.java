package io.mp3cast.server.live;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Interleaves ICY metadata into one listener's audio: after every {@code interval} audio bytes,
 * one length byte L and 16 * L bytes of {@code StreamTitle='...';} padded with zeros; L = 0 when
 * the title has not changed since the last block.
 *
 * <p>Threading: one per listener, used on its channel's event loop only.
 */
final class IcyWriter {
    private final int interval;
    private final LiveMount mount;
    private int untilMetadata;
    private long sentTitleVersion = -1;

    IcyWriter(int interval, LiveMount mount) {
        this.interval = interval;
        this.mount = mount;
        this.untilMetadata = interval;
    }

    /** The audio with metadata blocks inserted; takes ownership of {@code audio}. */
    ByteBuf interleave(ByteBufAllocator alloc, ByteBuf audio) {
        CompositeByteBuf out = alloc.compositeBuffer(4 + 2 * (audio.readableBytes() / interval));
        while (audio.isReadable()) {
            int n = Math.min(untilMetadata, audio.readableBytes());
            out.addComponent(true, audio.readRetainedSlice(n));
            untilMetadata -= n;
            if (untilMetadata == 0) {
                out.addComponent(true, metadataBlock(alloc));
                untilMetadata = interval;
            }
        }
        audio.release();
        return out;
    }

    private ByteBuf metadataBlock(ByteBufAllocator alloc) {
        long version = mount.titleVersion();
        if (version == sentTitleVersion) {
            return alloc.buffer(1).writeByte(0);
        }
        sentTitleVersion = version;
        return block(alloc, mount.title());
    }

    /** One metadata block: the length byte, then the title's field zero-padded to whole 16-byte blocks ({@link IcyTitle}). */
    static ByteBuf block(ByteBufAllocator alloc, String title) {
        byte[] text = IcyTitle.field(title, IcyTitle.MAX_METADATA_BYTES);
        int blocks = (text.length + 15) / 16;
        ByteBuf buf = alloc.buffer(1 + blocks * 16);
        buf.writeByte(blocks);
        buf.writeBytes(text);
        buf.writeZero(blocks * 16 - text.length);
        return buf;
    }
}
