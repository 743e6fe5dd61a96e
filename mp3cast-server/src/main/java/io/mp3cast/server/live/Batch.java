package io.mp3cast.server.live;

import io.mp3cast.server.http.HttpWire;
import io.mp3cast.live.LiveStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Frames {@code [from, to)} of a live stream, copied once into one pooled buffer framed as an
 * HTTP chunk, shared by every listener whose position is {@code from}: each gets a retained
 * duplicate, so a batch costs one copy per mount and one write call per listener.
 *
 * <p>Reference counted: the builder holds one reference, each loop task one more.
 */
final class Batch {
    final long from;
    final long to;
    /** Chunk header, frames, trailer. */
    final ByteBuf framed;
    /** Start of each frame, relative to the payload, plus the payload's length at {@code [to - from]}. */
    private final int[] offsets;

    private Batch(long from, long to, ByteBuf framed, int[] offsets) {
        this.from = from;
        this.to = to;
        this.framed = framed;
        this.offsets = offsets;
    }

    static Batch build(ByteBufAllocator alloc, LiveStream stream, long from, long to) {
        int bytes = stream.bytesBetween(from, to);
        ByteBuf buf = HttpWire.openChunk(alloc, bytes);
        int[] offsets = new int[(int) (to - from) + 1];
        int[] i = {0};
        try {
            stream.read(from, to, (data, off, len) -> {
                offsets[i[0]++] = buf.writerIndex() - HttpWire.CHUNK_HEADER_BYTES;
                buf.writeBytes(data, off, len);
            });
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        offsets[i[0]] = bytes;
        return new Batch(from, to, HttpWire.closeChunk(buf), offsets);
    }

    /** The frames from {@code seq} on, without chunk framing, as a retained slice. */
    ByteBuf payloadFrom(long seq) {
        int start = offsets[(int) (seq - from)];
        int end = offsets[offsets.length - 1];
        return framed.retainedSlice(HttpWire.CHUNK_HEADER_BYTES + start, end - start);
    }

    int payloadBytes() {
        return offsets[offsets.length - 1];
    }

    void retain() {
        framed.retain();
    }

    void release() {
        framed.release();
    }
}
