package io.mp3cast.testing;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * Decodes MP3 with JLayer, an independent decoder, so tests compare what came out with what
 * went in rather than trusting the encoder's own view.
 */
public final class Mp3Decoding {
    /** LAME's encoder delay plus the decoder delay, in samples per channel (see DESIGN.md). */
    public static final int CODEC_DELAY_SAMPLES = 576 + 529;

    private Mp3Decoding() {}

    public static Decoded decode(byte[] mp3) {
        Bitstream bitstream = new Bitstream(new ByteArrayInputStream(mp3));
        Decoder decoder = new Decoder();
        float[][] out = null;
        int[] lengths = null;
        int rate = 0;
        int channels = 0;
        int frames = 0;
        try {
            Header header;
            while ((header = bitstream.readFrame()) != null) {
                SampleBuffer buf = (SampleBuffer) decoder.decodeFrame(header, bitstream);
                if (out == null) {
                    rate = header.frequency();
                    channels = buf.getChannelCount();
                    out = new float[channels][1 << 16];
                    lengths = new int[channels];
                }
                append(buf, out, lengths, channels);
                bitstream.closeFrame();
                frames++;
            }
        } catch (BitstreamException | DecoderException e) {
            throw new AssertionError("MP3 does not decode after " + frames + " frames: " + e.getMessage(), e);
        }
        if (out == null) {
            return new Decoded(0, 0, new float[][] {new float[0]}, 0, 0);
        }
        for (int c = 0; c < channels; c++) {
            out[c] = Arrays.copyOf(out[c], lengths[c]);
        }
        return new Decoded(rate, channels, out, frames, 0);
    }

    private static void append(SampleBuffer buf, float[][] out, int[] lengths, int channels) {
        short[] data = buf.getBuffer();
        int n = buf.getBufferLength() / channels;
        for (int c = 0; c < channels; c++) {
            if (lengths[c] + n > out[c].length) {
                out[c] = Arrays.copyOf(out[c], Math.max(out[c].length * 2, lengths[c] + n));
            }
            for (int i = 0; i < n; i++) {
                out[c][lengths[c] + i] = data[i * channels + c] / 32768f;
            }
            lengths[c] += n;
        }
    }
}
