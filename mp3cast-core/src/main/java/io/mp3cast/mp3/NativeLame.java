package io.mp3cast.mp3;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * libmp3lame through JNA direct mapping.
 *
 * <p>PCM and MP3 pass through native buffers this object allocates once, so an encode call
 * allocates nothing on the Java heap. Not thread-safe; one owner.
 */
final class NativeLame implements LameEngine {
    private static final int MPEG_MODE_STEREO = 0;
    private static final int MPEG_MODE_JOINT_STEREO = 1;
    private static final int MPEG_MODE_MONO = 3;
    private static final int VBR_OFF = 0;
    private static final int VBR_MTRH = 4;

    private final int channels;
    private final Memory pcmLeft = new Memory(BLOCK_FRAMES * 4L);
    private final Memory pcmRight = new Memory(BLOCK_FRAMES * 4L);
    private final Memory mp3 = new Memory(LameEngine.mp3BufferBytes(BLOCK_FRAMES * 2));
    private Pointer handle;

    NativeLame(int sampleRateHz, int channels, int bitrateKbps, EncoderSettings settings) {
        Library.requireLoaded();
        this.channels = channels;
        this.handle = Library.lame_init();
        if (handle == null) {
            throw new IllegalStateException("lame_init returned null (out of memory?)");
        }
        try {
            configure(sampleRateHz, channels, bitrateKbps, settings);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether libmp3lame loaded; {@link #loadFailure()} says why not. */
    static boolean isAvailable() {
        return Library.FAILURE == null;
    }

    static String loadFailure() {
        return Library.FAILURE == null ? "" : String.valueOf(Library.FAILURE.getMessage());
    }

    private void configure(int sampleRateHz, int channels, int bitrateKbps, EncoderSettings s) {
        check("lame_set_num_channels", Library.lame_set_num_channels(handle, channels));
        check("lame_set_in_samplerate", Library.lame_set_in_samplerate(handle, sampleRateHz));
        // Without this LAME may resample low-bitrate streams to a lower rate of its choosing.
        check("lame_set_out_samplerate", Library.lame_set_out_samplerate(handle, sampleRateHz));
        check("lame_set_mode", Library.lame_set_mode(handle, mpegMode(channels, s.stereoMode())));
        check("lame_set_quality", Library.lame_set_quality(handle, s.lameQuality()));
        check("lame_set_bWriteVbrTag", Library.lame_set_bWriteVbrTag(handle, 0));
        check("lame_set_findReplayGain", Library.lame_set_findReplayGain(handle, 0));
        if (s.isVbr()) {
            check("lame_set_VBR", Library.lame_set_VBR(handle, VBR_MTRH));
            check("lame_set_VBR_quality", Library.lame_set_VBR_quality(handle, s.vbrQuality()));
        } else {
            check("lame_set_VBR", Library.lame_set_VBR(handle, VBR_OFF));
            check("lame_set_brate", Library.lame_set_brate(handle, bitrateKbps));
        }
        int rc = Library.lame_init_params(handle);
        if (rc < 0) {
            throw new IllegalArgumentException("lame_init_params rejected " + s + " at " + sampleRateHz
                    + " Hz, " + channels + " channel(s): code " + rc);
        }
    }

    private static int mpegMode(int channels, StereoMode mode) {
        if (channels == 1 || mode == StereoMode.MONO) {
            return MPEG_MODE_MONO;
        }
        return mode == StereoMode.STEREO ? MPEG_MODE_STEREO : MPEG_MODE_JOINT_STEREO;
    }

    @Override
    public int encode(float[] left, float[] right, int frames, byte[] out) {
        ensureOpen();
        pcmLeft.write(0, left, 0, frames);
        if (channels == 2) {
            pcmRight.write(0, right, 0, frames);
        }
        // LAME reads only the left buffer of a mono stream, so mono passes it twice uncopied.
        Pointer rightIn = channels == 2 ? pcmRight : pcmLeft;
        int n = Library.lame_encode_buffer_ieee_float(handle, pcmLeft, rightIn, frames, mp3, (int) mp3.size());
        return copyOut("lame_encode_buffer_ieee_float", n, out);
    }

    @Override
    public int flushNoGap(byte[] out) {
        ensureOpen();
        return copyOut("lame_encode_flush_nogap", Library.lame_encode_flush_nogap(handle, mp3, (int) mp3.size()), out);
    }

    @Override
    public int finish(byte[] out) {
        ensureOpen();
        return copyOut("lame_encode_flush", Library.lame_encode_flush(handle, mp3, (int) mp3.size()), out);
    }

    private int copyOut(String call, int n, byte[] out) {
        if (n < 0) {
            throw new IllegalStateException(call + " failed with code " + n);
        }
        mp3.read(0, out, 0, n);
        return n;
    }

    @Override
    public EncoderBackend kind() {
        return EncoderBackend.NATIVE;
    }

    @Override
    public String version() {
        return "libmp3lame " + Library.VERSION;
    }

    @Override
    public void close() {
        if (handle != null) {
            Pointer h = handle;
            handle = null;
            Library.lame_close(h);
        }
        pcmLeft.close();
        pcmRight.close();
        mp3.close();
    }

    private void ensureOpen() {
        if (handle == null) {
            throw new IllegalStateException("encoder is closed");
        }
    }

    private static void check(String call, int rc) {
        if (rc < 0) {
            throw new IllegalArgumentException(call + " failed with code " + rc);
        }
    }

    /** The direct-mapped C API. Loading is attempted once; the outcome is kept. */
    @SuppressWarnings("checkstyle:MethodName")
    private static final class Library {
        /** System property naming the library file or name to load instead of the defaults. */
        static final String PATH_PROPERTY = "mp3cast.lame.library";
        static final Throwable FAILURE;
        static final String VERSION;

        static {
            Throwable failure = null;
            String version = "";
            try {
                Native.register(Library.class, load());
                version = get_lame_version();
            } catch (Throwable t) {
                failure = t;
            }
            FAILURE = failure;
            VERSION = version;
        }

        private static NativeLibrary load() {
            String custom = System.getProperty(PATH_PROPERTY);
            if (custom != null) {
                return NativeLibrary.getInstance(custom);
            }
            try {
                return NativeLibrary.getInstance("mp3lame");
            } catch (UnsatisfiedLinkError e) {
                // Debian's runtime package ships only the versioned name; the bare .so is in -dev.
                return NativeLibrary.getInstance("libmp3lame.so.0");
            }
        }

        static void requireLoaded() {
            if (FAILURE != null) {
                throw new IllegalStateException("libmp3lame could not be loaded (install libmp3lame0, or set -D"
                        + PATH_PROPERTY + "=/path/to/libmp3lame.so.0): " + FAILURE.getMessage(), FAILURE);
            }
        }

        static native String get_lame_version();
        static native Pointer lame_init();
        static native int lame_set_num_channels(Pointer gfp, int channels);
        static native int lame_set_in_samplerate(Pointer gfp, int hz);
        static native int lame_set_out_samplerate(Pointer gfp, int hz);
        static native int lame_set_mode(Pointer gfp, int mode);
        static native int lame_set_quality(Pointer gfp, int quality);
        static native int lame_set_brate(Pointer gfp, int kbps);
        static native int lame_set_VBR(Pointer gfp, int mode);
        static native int lame_set_VBR_quality(Pointer gfp, float quality);
        static native int lame_set_bWriteVbrTag(Pointer gfp, int write);
        static native int lame_set_findReplayGain(Pointer gfp, int find);
        static native int lame_init_params(Pointer gfp);
        static native int lame_encode_buffer_ieee_float(Pointer gfp, Pointer left, Pointer right, int frames,
                                                        Pointer mp3, int mp3Size);
        static native int lame_encode_flush_nogap(Pointer gfp, Pointer mp3, int mp3Size);
        static native int lame_encode_flush(Pointer gfp, Pointer mp3, int mp3Size);
        static native int lame_close(Pointer gfp);
    }
}
