package io.mp3cast.server.relay;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a body that carries ICY metadata ({@code icy-metaint: N}) into its audio and its titles:
 * after every N audio bytes, one length byte L, then 16 × L bytes of {@code StreamTitle='...';}
 * (L = 0 when nothing changed). Without a metaint, everything is audio.
 *
 * <p>Titles are read as UTF-8 when they are valid UTF-8 (mp3cast, Icecast mounts set to UTF-8),
 * else as ISO-8859-1, Icecast 2.4's default for MP3 mounts.
 *
 * <p>Not thread-safe: one connection's event loop feeds it.
 */
final class IcyDemux {
    private static final Pattern TITLE = Pattern.compile("StreamTitle='(.*?)';", Pattern.DOTALL);

    /** Where audio goes: a slice valid during the call. */
    @FunctionalInterface
    interface AudioSink {
        void audio(ByteBuffer bytes);
    }

    private final int metaint;
    private final AudioSink audio;
    private final Consumer<String> titles;
    private long audioLeft;
    private int metaLeft = -1;
    private byte[] meta;
    private int metaFilled;

    /** @param metaint audio bytes between metadata blocks, 0 for none */
    IcyDemux(int metaint, AudioSink audio, Consumer<String> titles) {
        this.metaint = metaint;
        this.audio = audio;
        this.titles = titles;
        this.audioLeft = metaint > 0 ? metaint : Long.MAX_VALUE;
    }

    /** Consumes all of {@code in}. */
    void feed(ByteBuf in) {
        while (in.isReadable()) {
            if (audioLeft > 0) {
                int n = (int) Math.min(audioLeft, in.readableBytes());
                audio.audio(in.nioBuffer(in.readerIndex(), n));
                in.skipBytes(n);
                audioLeft -= n;
            } else if (metaLeft < 0) {
                metaLeft = in.readUnsignedByte() * 16;
                meta = new byte[metaLeft];
                metaFilled = 0;
                endBlockIfDone();
            } else {
                int n = Math.min(metaLeft, in.readableBytes());
                in.readBytes(meta, metaFilled, n);
                metaFilled += n;
                metaLeft -= n;
                endBlockIfDone();
            }
        }
    }

    private void endBlockIfDone() {
        if (metaLeft != 0) {
            return;
        }
        if (meta.length > 0) {
            Matcher m = TITLE.matcher(text(meta));
            if (m.find()) {
                titles.accept(m.group(1));
            }
        }
        metaLeft = -1;
        audioLeft = metaint;
    }

    private static String text(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        }
    }
}
