package io.mp3cast.testing;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.FrameSink;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.pcm.PcmFormat;
import java.io.ByteArrayOutputStream;

/** Encodes whole test signals, optionally in fixed-size chunks, and collects the MP3 bytes. */
public final class Encoding {
    /** Set to true to run without libmp3lame outside CI; the native tests then skip instead of failing. */
    public static final String ALLOW_NO_NATIVE_PROPERTY = "mp3cast.test.allowNoNative";

    private Encoding() {}

    /** Collects frames into one byte array. */
    public static final class Collector implements FrameSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int frames;

        @Override
        public void onFrame(byte[] data, int offset, int length) {
            out.write(data, offset, length);
            frames++;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        public int frames() {
            return frames;
        }
    }

    public static byte[] encode(PcmFormat format, EncoderSettings settings, float[] samples, int chunk) {
        Collector sink = new Collector();
        try (Mp3Encoder encoder = Mp3Encoder.open(format, settings)) {
            for (int off = 0; off < samples.length; off += chunk) {
                encoder.encode(samples, off, Math.min(chunk, samples.length - off), sink);
            }
            encoder.finish(sink);
        }
        return sink.bytes();
    }

    public static byte[] encode(PcmFormat format, EncoderSettings settings, float[] samples) {
        return encode(format, settings, samples, samples.length);
    }

    /** Whether the native backend may be tested; fails loudly when it must be and cannot. */
    public static boolean nativeAvailableOrFail() {
        if (Mp3Encoder.resolveBackend(EncoderBackend.AUTO) == EncoderBackend.NATIVE
                || io.mp3cast.mp3.Mp3Encoder.nativeLoadFailure().isEmpty()) {
            return true;
        }
        if (Boolean.getBoolean(ALLOW_NO_NATIVE_PROPERTY)) {
            return false;
        }
        throw new AssertionError("libmp3lame did not load (" + Mp3Encoder.nativeLoadFailure()
                + "): install libmp3lame0, or run with -D" + ALLOW_NO_NATIVE_PROPERTY + "=true to skip native tests");
    }
}
