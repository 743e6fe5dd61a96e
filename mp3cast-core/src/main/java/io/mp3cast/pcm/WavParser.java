package io.mp3cast.pcm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a RIFF/WAVE header from a stream up to the first byte of audio, never further: the caller
 * reads the samples from the same stream. Reads only what each field needs, so it works on pipes
 * and request bodies as well as files; wrap unbuffered streams in a {@code BufferedInputStream}.
 *
 * <p>Not thread-safe; one parser per stream.
 */
final class WavParser {
    /** Refuse absurd 'fmt ' chunks instead of allocating them; real ones are 16, 18 or 40 bytes. */
    private static final int FMT_MAX_BYTES = 4096;
    private static final int SKIP_BUFFER_BYTES = 8192;

    private final InputStream in;
    private long position;
    private boolean rf64;
    private long ds64DataBytes = WavHeader.UNTIL_END_OF_STREAM;

    WavParser(InputStream in) {
        this.in = in;
    }

    WavHeader parse() throws IOException {
        readRiffHeader();
        PcmFormat format = null;
        while (true) {
            int id = readFourCc("chunk id");
            long size = readU32("chunk size");
            if (id == Wav.DATA) {
                if (format == null) {
                    throw new PcmFormatException("chunk order: got 'data' at byte " + (position - 8)
                            + ", expected a 'fmt ' chunk before it");
                }
                return new WavHeader(format, dataBytes(size));
            }
            if (id == Wav.FMT) {
                format = readFmt(size);
            } else if (id == Wav.DS64 && rf64) {
                readDs64(size);
            } else {
                skip(size + (size & 1), "chunk " + Wav.show(id));
            }
        }
    }

    private void readRiffHeader() throws IOException {
        int riff = readFourCc("RIFF id");
        if (riff != Wav.RIFF && riff != Wav.RF64) {
            throw new PcmFormatException("RIFF id: got " + Wav.show(riff) + ", expected 'RIFF' (not a WAV stream)");
        }
        rf64 = riff == Wav.RF64;
        readU32("RIFF size");
        int form = readFourCc("RIFF form type");
        if (form != Wav.WAVE) {
            throw new PcmFormatException("RIFF form type: got " + Wav.show(form) + ", expected 'WAVE'");
        }
    }

    private long dataBytes(long size) {
        if (size == Wav.SIZE_UNKNOWN && rf64) {
            return ds64DataBytes;
        }
        return size == 0 || size == Wav.SIZE_UNKNOWN ? WavHeader.UNTIL_END_OF_STREAM : size;
    }

    private PcmFormat readFmt(long size) throws IOException {
        if (size < Wav.FMT_MIN_BYTES || size > FMT_MAX_BYTES) {
            throw new PcmFormatException("fmt chunk size: got " + size + ", expected " + Wav.FMT_MIN_BYTES
                    + " to " + FMT_MAX_BYTES);
        }
        ByteBuffer fmt = ByteBuffer.wrap(readBytes((int) size, "fmt chunk")).order(ByteOrder.LITTLE_ENDIAN);
        skip(size & 1, "fmt chunk pad byte");
        return FmtChunk.decode(fmt);
    }

    private void readDs64(long size) throws IOException {
        if (size < Wav.DS64_MIN_BYTES) {
            throw new PcmFormatException("ds64 chunk size: got " + size + ", expected at least " + Wav.DS64_MIN_BYTES);
        }
        ByteBuffer ds64 = ByteBuffer.wrap(readBytes(Wav.DS64_MIN_BYTES, "ds64 chunk")).order(ByteOrder.LITTLE_ENDIAN);
        long dataSize = ds64.getLong(8);
        ds64DataBytes = dataSize > 0 ? dataSize : WavHeader.UNTIL_END_OF_STREAM;
        skip(size - Wav.DS64_MIN_BYTES + (size & 1), "ds64 chunk");
    }

    private int readFourCc(String field) throws IOException {
        return ByteBuffer.wrap(readBytes(4, field)).order(ByteOrder.BIG_ENDIAN).getInt();
    }

    private long readU32(String field) throws IOException {
        return Integer.toUnsignedLong(ByteBuffer.wrap(readBytes(4, field)).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    private byte[] readBytes(int n, String field) throws IOException {
        byte[] bytes = in.readNBytes(n);
        position += bytes.length;
        if (bytes.length < n) {
            throw truncated(field, n - bytes.length);
        }
        return bytes;
    }

    /** Reads rather than {@link InputStream#skip}s: skip may return 0 on pipes without meaning the end. */
    private void skip(long n, String field) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, SKIP_BUFFER_BYTES)];
        long left = n;
        while (left > 0) {
            int read = in.read(scratch, 0, (int) Math.min(left, scratch.length));
            if (read < 0) {
                throw truncated(field, left);
            }
            left -= read;
            position += read;
        }
    }

    private PcmFormatException truncated(String field, long missingBytes) {
        return new PcmFormatException("truncated WAV header: stream ended at byte " + position + " in " + field
                + ", expected " + missingBytes + " more bytes");
    }

    /** Decodes a 'fmt ' chunk body into a {@link PcmFormat}; the layout is drawn in {@link Wav}. */
    private static final class FmtChunk {
        private FmtChunk() {}

        static PcmFormat decode(ByteBuffer fmt) throws PcmFormatException {
            int tag = Short.toUnsignedInt(fmt.getShort(0));
            if (tag == Wav.TAG_EXTENSIBLE) {
                tag = subFormatTag(fmt);
            }
            int bitsPerSample = Short.toUnsignedInt(fmt.getShort(14));
            SampleEncoding encoding = encoding(tag, bitsPerSample);
            PcmFormat format = format(fmt.getInt(4), Short.toUnsignedInt(fmt.getShort(2)), encoding);
            int blockAlign = Short.toUnsignedInt(fmt.getShort(12));
            if (blockAlign != format.bytesPerFrame()) {
                throw new PcmFormatException("blockAlign: got " + blockAlign + ", expected " + format.bytesPerFrame()
                        + " (" + format.channels() + " channels of " + bitsPerSample + " bits)");
            }
            return format;
        }

        private static int subFormatTag(ByteBuffer fmt) throws PcmFormatException {
            if (fmt.capacity() < Wav.FMT_EXTENSIBLE_BYTES) {
                throw new PcmFormatException("fmt chunk size: got " + fmt.capacity() + ", expected at least "
                        + Wav.FMT_EXTENSIBLE_BYTES + " for WAVE_FORMAT_EXTENSIBLE");
            }
            byte[] tail = Arrays.copyOfRange(fmt.array(), 28, 40);
            int tag = fmt.getInt(24);
            if (!Arrays.equals(tail, Wav.GUID_TAIL) || (tag != Wav.TAG_PCM && tag != Wav.TAG_FLOAT)) {
                throw new PcmFormatException("subFormat: got " + guid(fmt) + ", expected PCM (00000001-0000-0010-8000-"
                        + "00aa00389b71) or IEEE float (00000003-0000-0010-8000-00aa00389b71)");
            }
            return tag;
        }

        private static SampleEncoding encoding(int tag, int bitsPerSample) throws PcmFormatException {
            if (tag != Wav.TAG_PCM && tag != Wav.TAG_FLOAT) {
                throw new PcmFormatException(String.format("formatTag: got 0x%04X, expected 0x0001 (PCM),"
                        + " 0x0003 (IEEE float) or 0xFFFE (extensible)", tag));
            }
            if (tag == Wav.TAG_PCM && bitsPerSample == 16) {
                return SampleEncoding.INT16_LE;
            }
            if (tag == Wav.TAG_FLOAT && bitsPerSample == 32) {
                return SampleEncoding.FLOAT32_LE;
            }
            throw new PcmFormatException("bitsPerSample: got " + bitsPerSample + (tag == Wav.TAG_FLOAT ? " (float)" : " (int)")
                    + ", expected 16 (int) or 32 (float)");
        }

        /** Range errors come from {@link PcmFormat}'s own checks, so the two can never disagree. */
        private static PcmFormat format(int sampleRateHz, int channels, SampleEncoding encoding)
                throws PcmFormatException {
            try {
                return new PcmFormat(sampleRateHz, channels, encoding);
            } catch (IllegalArgumentException e) {
                throw new PcmFormatException(e.getMessage(), e);
            }
        }

        private static String guid(ByteBuffer fmt) {
            ByteBuffer g = fmt.duplicate().position(24).slice().order(ByteOrder.LITTLE_ENDIAN);
            StringBuilder s = new StringBuilder(String.format("%08x-%04x-%04x-", g.getInt(0), g.getShort(4),
                    g.getShort(6)));
            for (int i = 8; i < 16; i++) {
                s.append(String.format(i == 10 ? "-%02x" : "%02x", g.get(i)));
            }
            return s.toString();
        }
    }
}
