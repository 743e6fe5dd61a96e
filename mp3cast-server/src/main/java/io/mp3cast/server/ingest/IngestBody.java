package io.mp3cast.server.ingest;

import io.mp3cast.pcm.PcmFormatException;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.live.push.Producer;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a source's body, as it streams in, into audio for its {@link Producer}: raw PCM and MP3
 * go straight through; a WAV body's header is parsed once its bytes are in (the audio after it
 * is PCM in the header's format, up to the data size the header gives); a body of unknown kind
 * is recognised by its first bytes (RIFF: WAV; ID3 or a frame sync: MP3).
 *
 * <p>A WAV header is gathered as it streams in, and its chunk headers are walked as they arrive
 * (each byte looked at once); it is parsed once, when the 'data' chunk's header is in.
 *
 * <p>Bad bodies throw {@link IllegalArgumentException} naming what is wrong, for a 400. Used on
 * one event loop.
 */
final class IngestBody {
    /** A WAV header longer than this (metadata chunks before 'data') is refused rather than buffered. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** 'RIFF', its size, 'WAVE': where the first chunk starts. */
    private static final int RIFF_HEADER_BYTES = 12;
    private static final int CHUNK_HEADER_BYTES = 8;

    private final Producer source;
    private PushFormat.Kind kind;
    /** The body so far while its kind or WAV header is not known; null after. */
    private byte[] pending;
    private int pendingBytes;
    /** Where the next WAV chunk header starts in {@link #pending}: each byte is looked at once. */
    private long nextChunkAt = RIFF_HEADER_BYTES;
    private long dataLeft = WavHeader.UNTIL_END_OF_STREAM;
    private long ignoredBytes;

    IngestBody(Producer source, PushFormat format) {
        this.source = source;
        this.kind = format.kind();
        switch (kind) {
            case PCM -> source.beginPcm(format.pcm());
            case MP3 -> source.beginMp3();
            default -> pending = new byte[4096];
        }
    }

    /** Takes the readable bytes of {@code buf} (without releasing it); returns whether the mount's buffer has room. */
    boolean accept(ByteBuf buf) {
        if (pending == null) {
            return pass(buf.nioBuffer());
        }
        append(buf);
        if (kind == PushFormat.Kind.SNIFF) {
            if (pendingBytes < 4) {
                return true;
            }
            kind = sniff(pending);
            if (kind == PushFormat.Kind.MP3) {
                source.beginMp3();
                ByteBuffer all = ByteBuffer.wrap(pending, 0, pendingBytes);
                pending = null;
                return pass(all);
            }
        }
        return wavHeader();
    }

    private void append(ByteBuf buf) {
        int n = buf.readableBytes();
        if (pendingBytes + n > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + n));
        }
        buf.getBytes(buf.readerIndex(), pending, pendingBytes, n);
        pendingBytes += n;
    }

    /**
     * Walks the chunk headers that have arrived; once the 'data' chunk's header is in, parses the
     * whole header once and passes the audio after it on.
     */
    private boolean wavHeader() {
        if (pendingBytes >= 4 && !isRiff(pending) || pendingBytes >= RIFF_HEADER_BYTES && !isWave(pending)) {
            return parseHeader();  // fails, naming what the first bytes are
        }
        while (pendingBytes >= nextChunkAt + CHUNK_HEADER_BYTES) {
            int at = (int) nextChunkAt;
            if (pending[at] == 'd' && pending[at + 1] == 'a' && pending[at + 2] == 't' && pending[at + 3] == 'a') {
                return parseHeader();
            }
            long size = Integer.toUnsignedLong(ByteBuffer.wrap(pending, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            nextChunkAt += CHUNK_HEADER_BYTES + size + (size & 1);
        }
        if (nextChunkAt > MAX_HEADER_BYTES || pendingBytes > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("WAV header: longer than " + MAX_HEADER_BYTES + " bytes before 'data'");
        }
        return true;
    }

    private boolean parseHeader() {
        ByteArrayInputStream in = new ByteArrayInputStream(pending, 0, pendingBytes);
        WavHeader header;
        try {
            header = WavHeader.read(in);
        } catch (PcmFormatException e) {
            throw new IllegalArgumentException("WAV: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        source.beginPcm(header.format());
        dataLeft = header.dataBytes();
        int consumed = pendingBytes - in.available();
        ByteBuffer audio = ByteBuffer.wrap(pending, consumed, pendingBytes - consumed);
        pending = null;
        return pass(audio);
    }

    private static boolean isRiff(byte[] b) {
        String magic = new String(b, 0, 4, StandardCharsets.ISO_8859_1);
        return magic.equals("RIFF") || magic.equals("RF64");
    }

    private static boolean isWave(byte[] b) {
        return new String(b, 8, 4, StandardCharsets.ISO_8859_1).equals("WAVE");
    }

    private static PushFormat.Kind sniff(byte[] b) {
        if (isRiff(b)) {
            return PushFormat.Kind.WAV;
        }
        if ((b[0] == 'I' && b[1] == 'D' && b[2] == '3') || ((b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            return PushFormat.Kind.MP3;
        }
        throw new IllegalArgumentException("format: missing (" + PushFormat.FORMATS + "), and the body is neither"
                + " WAV nor MP3: say ?format=f32le&rate=24000&channels=1, or Content-Type: audio/L16;rate=24000");
    }

    private boolean pass(ByteBuffer bytes) {
        if (dataLeft >= 0 && bytes.remaining() > dataLeft) {
            ignoredBytes += bytes.remaining() - dataLeft;
            bytes.limit(bytes.position() + (int) dataLeft);
        }
        if (dataLeft >= 0) {
            dataLeft -= bytes.remaining();
        }
        return !bytes.hasRemaining() ? source.hasRoom() : source.write(bytes);
    }

    /** Bytes after a WAV's 'data' chunk (trailing chunks), not played. */
    long ignoredBytes() {
        return ignoredBytes;
    }

    /** Whether the body ended before its kind or WAV header was known. */
    boolean undecided() {
        return pending != null;
    }
}
