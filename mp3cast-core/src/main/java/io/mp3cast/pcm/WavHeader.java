package io.mp3cast.pcm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * What a WAV stream's header says: the PCM format of its samples and how many bytes of them follow.
 *
 * <p>{@link #read(InputStream)} parses a header as it streams in, without seeking, and stops at the
 * first sample, so the same stream then yields the audio: a file, a pipe or an HTTP request body.
 * It accepts 16-bit integer and 32-bit float PCM (plain or WAVE_FORMAT_EXTENSIBLE), skips chunks it
 * does not need (LIST, fact, ...) and reads RF64. {@link #toBytes()} writes the header back, for tools
 * and tests that produce WAV.
 *
 * @param format    the samples' format; WAV stores them little-endian
 * @param dataBytes bytes of audio after the header, or {@link #UNTIL_END_OF_STREAM} when the writer
 *                  did not know it (a data size of 0 or 0xFFFFFFFF, as live writers such as
 *                  {@code ffmpeg -f wav -} or {@code sox ... -t wav -} produce)
 */
public record WavHeader(PcmFormat format, long dataBytes) {

    /** {@link #dataBytes} value for audio that lasts until the stream ends. */
    public static final long UNTIL_END_OF_STREAM = -1;

    public WavHeader {
        Objects.requireNonNull(format, "format");
        if (format.encoding() == SampleEncoding.INT16_BE) {
            throw new IllegalArgumentException("encoding not supported in WAV: INT16_BE (WAV is little-endian)");
        }
        if (dataBytes < 0 && dataBytes != UNTIL_END_OF_STREAM) {
            throw new IllegalArgumentException("dataBytes not supported: " + dataBytes + " (>= 0 or UNTIL_END_OF_STREAM)");
        }
    }

    /**
     * Reads a header up to and including the 'data' chunk's size, leaving {@code in} at the first sample.
     *
     * @throws PcmFormatException naming the field, what it held and what was expected, when the stream
     *                            is not a WAV this can decode or ends inside the header
     */
    public static WavHeader read(InputStream in) throws IOException {
        return new WavParser(in).parse();
    }

    /** Whether the header gave the audio's length; if not, it lasts until the end of the stream. */
    public boolean isLengthKnown() {
        return dataBytes != UNTIL_END_OF_STREAM;
    }

    /**
     * A canonical header: 44 bytes for int16, 46 for float32 (whose 'fmt ' chunk carries cbSize).
     * Lengths that do not fit 32 bits, and unknown ones, are written as 0xFFFFFFFF, the streaming
     * convention {@link #read} understands.
     */
    public byte[] toBytes() {
        boolean isFloat = format.encoding() == SampleEncoding.FLOAT32_LE;
        int fmtBytes = isFloat ? 18 : Wav.FMT_MIN_BYTES;
        int headerBytes = 12 + 8 + fmtBytes + 8;
        ByteBuffer b = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Integer.reverseBytes(Wav.RIFF)).putInt(size32(dataBytes, headerBytes - 8))
                .putInt(Integer.reverseBytes(Wav.WAVE));
        b.putInt(Integer.reverseBytes(Wav.FMT)).putInt(fmtBytes);
        putFmt(b, isFloat);
        b.putInt(Integer.reverseBytes(Wav.DATA)).putInt(size32(dataBytes, 0));
        return b.array();
    }

    private void putFmt(ByteBuffer b, boolean isFloat) {
        int bytesPerFrame = format.bytesPerFrame();
        b.putShort((short) (isFloat ? Wav.TAG_FLOAT : Wav.TAG_PCM)).putShort((short) format.channels())
                .putInt(format.sampleRateHz()).putInt(format.sampleRateHz() * bytesPerFrame)
                .putShort((short) bytesPerFrame).putShort((short) (format.encoding().bytesPerSample() * 8));
        if (isFloat) {
            b.putShort((short) 0);
        }
    }

    private static int size32(long dataBytes, int extraBytes) {
        long size = dataBytes + extraBytes;
        return dataBytes < 0 || size >= Wav.SIZE_UNKNOWN ? (int) Wav.SIZE_UNKNOWN : (int) size;
    }
}
