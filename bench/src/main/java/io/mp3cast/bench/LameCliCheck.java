package io.mp3cast.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Encodes int16 PCM with libmp3lame set up the way {@code NativeLame} sets it up, through LAME's
 * int16 entry point, the one the lame CLI's input path ends in. Byte-identical output to the CLI
 * proves the CLI flags in {@link BenchConfig#lameCommand} ask for exactly the encoding the library
 * side does. (The backend itself passes floats, which LAME scales by 32767 rather than 32768, so
 * its bytes differ slightly while the work is the same.)
 */
final class LameCliCheck {
    private static final int MPEG_MODE_JOINT_STEREO = 1;
    private static final int MPEG_MODE_MONO = 3;

    /** The few calls needed, through a plain JNA interface: this is not a timed path. */
    public interface Lame extends Library {
        Pointer lame_init();
        int lame_set_num_channels(Pointer gfp, int channels);
        int lame_set_in_samplerate(Pointer gfp, int hz);
        int lame_set_out_samplerate(Pointer gfp, int hz);
        int lame_set_mode(Pointer gfp, int mode);
        int lame_set_quality(Pointer gfp, int quality);
        int lame_set_VBR(Pointer gfp, int mode);
        int lame_set_brate(Pointer gfp, int kbps);
        int lame_set_bWriteVbrTag(Pointer gfp, int write);
        int lame_set_findReplayGain(Pointer gfp, int find);
        int lame_init_params(Pointer gfp);
        int lame_encode_buffer(Pointer gfp, short[] left, short[] right, int frames, byte[] mp3, int mp3Size);
        int lame_encode_flush(Pointer gfp, byte[] mp3, int mp3Size);
        int lame_close(Pointer gfp);
    }

    private LameCliCheck() {}

    static byte[] encodeInt16(BenchConfig config, short[] interleaved) {
        Lame lame = Native.load("libmp3lame.so.0", Lame.class);
        int channels = config.format.channels();
        Pointer gfp = lame.lame_init();
        try {
            lame.lame_set_num_channels(gfp, channels);
            lame.lame_set_in_samplerate(gfp, config.format.sampleRateHz());
            lame.lame_set_out_samplerate(gfp, config.format.sampleRateHz());
            lame.lame_set_mode(gfp, channels == 1 ? MPEG_MODE_MONO : MPEG_MODE_JOINT_STEREO);
            lame.lame_set_quality(gfp, BenchConfig.LAME_QUALITY);
            lame.lame_set_VBR(gfp, 0);
            lame.lame_set_brate(gfp, config.bitrateKbps);
            lame.lame_set_bWriteVbrTag(gfp, 0);
            lame.lame_set_findReplayGain(gfp, 0);
            if (lame.lame_init_params(gfp) < 0) {
                throw new IllegalStateException("lame_init_params failed for " + config.label);
            }
            return encode(lame, gfp, interleaved, channels);
        } finally {
            lame.lame_close(gfp);
        }
    }

    private static byte[] encode(Lame lame, Pointer gfp, short[] interleaved, int channels) {
        int frames = interleaved.length / channels;
        short[] left = new short[1152];
        short[] right = new short[1152];
        byte[] buf = new byte[1152 * 2 * 5 / 4 + 7200];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < frames; off += 1152) {
            int n = Math.min(1152, frames - off);
            for (int i = 0; i < n; i++) {
                left[i] = interleaved[(off + i) * channels];
                right[i] = interleaved[(off + i) * channels + channels - 1];
            }
            out.write(buf, 0, check(lame.lame_encode_buffer(gfp, left, right, n, buf, buf.length)));
        }
        out.write(buf, 0, check(lame.lame_encode_flush(gfp, buf, buf.length)));
        return out.toByteArray();
    }

    private static int check(int n) {
        if (n < 0) {
            throw new IllegalStateException("lame_encode failed: " + n);
        }
        return n;
    }

    /** "identical" or where the two differ. */
    static String compare(byte[] expected, byte[] actual) {
        int at = Arrays.mismatch(expected, actual);
        return at < 0 ? "byte-identical (" + actual.length + " bytes)"
                : "differ at byte " + at + " (" + actual.length + " vs " + expected.length + " bytes)";
    }
}
