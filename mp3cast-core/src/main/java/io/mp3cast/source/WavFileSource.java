package io.mp3cast.source;

import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.pcm.WavHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A WAV file's samples as floats, optionally looped: at the end it reopens the file and starts
 * over, so a live mount can play it forever. int16 samples become {@code s / 32768f}.
 */
final class WavFileSource implements AudioSource {
    private final Path file;
    private final boolean loop;
    private final PcmFormat format;
    private final SampleEncoding encoding;
    private final int bytesPerSample;
    private byte[] bytes = new byte[0];
    private InputStream in;
    private long bytesLeft;
    private long samplesThisPass;

    WavFileSource(Path file, boolean loop) throws IOException {
        this.file = file;
        this.loop = loop;
        WavHeader header = open();
        this.encoding = header.format().encoding();
        this.bytesPerSample = encoding.bytesPerSample();
        this.format = header.format().withEncoding(SampleEncoding.FLOAT32_LE);
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    /**
     * A local file through a 64 KiB buffer: treated as never blocking, as event-driven servers treat
     * local files (Netty's {@code ChunkedFile} is read on its event loop).
     */
    @Override
    public long nanosUntilReadable(int length) {
        return 0;
    }

    @Override
    public int read(float[] buffer, int offset, int length) throws IOException {
        while (true) {
            if (in == null) {
                throw new IOException("read after close: " + file);
            }
            int n = readPass(buffer, offset, length);
            if (n > 0) {
                return n;
            }
            if (!loop || samplesThisPass == 0) {
                return -1;  // the end, or a file with no audio that would loop forever
            }
            in.close();
            WavHeader again = open();
            if (!again.format().withEncoding(SampleEncoding.FLOAT32_LE).equals(format)
                    || again.format().encoding() != encoding) {
                throw new IOException(file + " changed format while looping: " + again.format() + ", was " + format);
            }
        }
    }

    @Override
    public void close() {
        InputStream s = in;
        in = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private WavHeader open() throws IOException {
        in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        try {
            WavHeader header = WavHeader.read(in);
            bytesLeft = header.isLengthKnown() ? header.dataBytes() : Long.MAX_VALUE;
            samplesThisPass = 0;
            return header;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Whole samples from this pass through the file; 0 at its end. */
    private int readPass(float[] buffer, int offset, int length) throws IOException {
        long wanted = Math.min((long) length * bytesPerSample, bytesLeft);
        int want = (int) (wanted - wanted % bytesPerSample);
        if (want == 0) {
            return 0;
        }
        if (bytes.length < want) {
            bytes = new byte[want];
        }
        int got = in.readNBytes(bytes, 0, want);
        int samples = got / bytesPerSample;  // a partial sample at the end of the file is dropped
        bytesLeft = got < want ? 0 : bytesLeft - got;
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, samples * bytesPerSample).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            buffer[offset + i] = encoding == SampleEncoding.FLOAT32_LE ? b.getFloat() : b.getShort() / 32768f;
        }
        samplesThisPass += samples;
        return samples;
    }
}
