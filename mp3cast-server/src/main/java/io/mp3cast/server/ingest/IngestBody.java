package io.mp3cast.server.ingest;

import io.mp3cast.pcm.PcmFormatException;
import io.mp3cast.pcm.WavHeader;
import io.mp3cast.live.push.Producer;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Turns a source's body, as it streams in, into audio for its {@link Producer}: raw PCM and MP3
 * go straight through; a WAV body's header is parsed once its bytes are in (the audio after it
 * is PCM in the header's format, up to the data size the header gives); a body of unknown kind
 * is recognised by its first bytes (RIFF: WAV; ID3 or a frame sync: MP3).
 *
 * <p>Bad bodies throw {@link IllegalArgumentException} naming what is wrong, for a 400. Used on
 * one event loop.
 */
final class IngestBody {
    /** A WAV header longer than this (metadata chunks before 'data') is refused rather than buffered. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Producer source;
    private PushFormat.Kind kind;
    private ByteArrayOutputStream pending;
    private long dataLeft = WavHeader.UNTIL_END_OF_STREAM;
    private long ignoredBytes;

    IngestBody(Producer source, PushFormat format) {
        this.source = source;
        this.kind = format.kind();
        switch (kind) {
            case PCM -> source.beginPcm(format.pcm());
            case MP3 -> source.beginMp3();
            default -> pending = new ByteArrayOutputStream();
        }
    }

    /** Takes the readable bytes of {@code buf} (without releasing it); returns whether the mount's buffer has room. */
    boolean accept(ByteBuf buf) {
        if (pending == null) {
            return pass(buf.nioBuffer());
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        if (kind == PushFormat.Kind.SNIFF) {
            if (all.length < 4) {
                return true;
            }
            kind = sniff(all);
            if (kind == PushFormat.Kind.MP3) {
                source.beginMp3();
                pending = null;
                return pass(ByteBuffer.wrap(all));
            }
        }
        return wavHeader(all);
    }

    private boolean wavHeader(byte[] all) {
        Counting in = new Counting(all);
        WavHeader header;
        try {
            header = WavHeader.read(in);
        } catch (NeedMore e) {
            if (all.length > MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("WAV header: longer than " + MAX_HEADER_BYTES + " bytes before 'data'");
            }
            return true;
        } catch (PcmFormatException e) {
            throw new IllegalArgumentException("WAV: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        source.beginPcm(header.format());
        dataLeft = header.dataBytes();
        pending = null;
        return pass(ByteBuffer.wrap(all, in.position, all.length - in.position));
    }

    private static PushFormat.Kind sniff(byte[] b) {
        String magic = new String(b, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (magic.equals("RIFF") || magic.equals("RF64")) {
            return PushFormat.Kind.WAV;
        }
        if (magic.startsWith("ID3") || ((b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
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

    /** Thrown by {@link Counting} where the bytes so far end: not an error yet, the header is still coming. */
    private static final class NeedMore extends IOException {
        private static final long serialVersionUID = 1L;

        NeedMore() {
            super("need more bytes");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;  // control flow, not a failure: no stack trace to build
        }
    }

    /** The bytes so far as a stream that counts what the parser took and signals where they end. */
    private static final class Counting extends InputStream {
        private final byte[] bytes;
        int position;

        Counting(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() throws IOException {
            if (position >= bytes.length) {
                throw new NeedMore();
            }
            return bytes[position++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                throw new NeedMore();
            }
            int n = Math.min(len, bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
