package io.mp3cast.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Raw HTTP/1.1 bytes for streaming responses. Streams bypass Netty's HTTP encoder so that one
 * pre-built buffer (chunk header, whole frames, trailer) is one write call shared by listeners.
 */
public final class HttpWire {
    /** Chunk header of fixed width: six hex digits (leading zeros are legal) and CRLF. */
    public static final int CHUNK_HEADER_BYTES = 8;
    public static final int CHUNK_TRAILER_BYTES = 2;
    static final int MAX_CHUNK_BYTES = 0xFFFFFF;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private HttpWire() {}

    /** Status line and headers, ending with the blank line. */
    public static ByteBuf head(ByteBufAllocator alloc, HttpVersion version, HttpResponseStatus status, HttpHeaders headers) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(version.text()).append(' ').append(status.code()).append(' ').append(status.reasonPhrase()).append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /** A buffer with room for a chunk header; write the payload after it, then call {@link #closeChunk}. */
    public static ByteBuf openChunk(ByteBufAllocator alloc, int payloadBytes) {
        ByteBuf buf = alloc.directBuffer(CHUNK_HEADER_BYTES + payloadBytes + CHUNK_TRAILER_BYTES);
        buf.writerIndex(CHUNK_HEADER_BYTES);
        return buf;
    }

    /** Fills in the chunk header for what was written after it and appends the trailer. */
    public static ByteBuf closeChunk(ByteBuf buf) {
        int payload = buf.writerIndex() - buf.readerIndex() - CHUNK_HEADER_BYTES;
        writeHeader(buf, buf.readerIndex(), payload);
        buf.writeByte('\r').writeByte('\n');
        return buf;
    }

    /** Wraps a payload as one chunk without copying it: header, payload, trailer. */
    public static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf payload) {
        ByteBuf header = alloc.buffer(CHUNK_HEADER_BYTES);
        writeHeader(header, 0, payload.readableBytes());
        header.writerIndex(CHUNK_HEADER_BYTES);
        ByteBuf trailer = alloc.buffer(2).writeByte('\r').writeByte('\n');
        return alloc.compositeBuffer(3).addComponents(true, header, payload, trailer);
    }

    /** The zero-length chunk that ends a chunked body. */
    public static ByteBuf lastChunk() {
        return LAST_CHUNK.duplicate();
    }

    private static void writeHeader(ByteBuf buf, int at, int payload) {
        if (payload > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk too large: " + payload);
        }
        for (int i = 0; i < 6; i++) {
            buf.setByte(at + i, HEX[(payload >>> (20 - 4 * i)) & 0xF]);
        }
        buf.setByte(at + 6, '\r');
        buf.setByte(at + 7, '\n');
    }
}
