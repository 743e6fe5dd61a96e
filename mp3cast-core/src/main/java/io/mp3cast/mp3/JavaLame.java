package io.mp3cast.mp3;

import de.sciss.jump3r.mp3.BitStream;
import de.sciss.jump3r.mp3.GainAnalysis;
import de.sciss.jump3r.mp3.GetAudio;
import de.sciss.jump3r.mp3.ID3Tag;
import de.sciss.jump3r.mp3.Lame;
import de.sciss.jump3r.mp3.LameGlobalFlags;
import de.sciss.jump3r.mp3.MPEGMode;
import de.sciss.jump3r.mp3.Parse;
import de.sciss.jump3r.mp3.Presets;
import de.sciss.jump3r.mp3.Quantize;
import de.sciss.jump3r.mp3.QuantizePVT;
import de.sciss.jump3r.mp3.Reservoir;
import de.sciss.jump3r.mp3.Takehiro;
import de.sciss.jump3r.mp3.VBRTag;
import de.sciss.jump3r.mp3.VbrMode;
import de.sciss.jump3r.mp3.Version;
import de.sciss.jump3r.mpg.Common;
import de.sciss.jump3r.mpg.Interface;
import de.sciss.jump3r.mpg.MPGLib;

/**
 * jump3r (pure-Java LAME 3.98.4) through its low-level {@link Lame} API.
 *
 * <p>Not its {@code LameEncoder} wrapper: that one forces ReplayGain analysis, writes a
 * placeholder Info frame and drops float samples at full scale. The module wiring below is the
 * one the wrapper's {@code nInitParams} does.
 */
final class JavaLame implements LameEngine {
    private static final float INT32_FULL_SCALE = 2147483647f;

    private final Lame lame = new Lame();
    private final int channels;
    private final int[] intLeft = new int[BLOCK_FRAMES];
    private final int[] intRight = new int[BLOCK_FRAMES];
    private LameGlobalFlags gfp;

    JavaLame(int sampleRateHz, int channels, int bitrateKbps, EncoderSettings settings) {
        this.channels = channels;
        wireModules();
        gfp = lame.lame_init();
        gfp.num_channels = channels;
        gfp.in_samplerate = sampleRateHz;
        gfp.out_samplerate = sampleRateHz;
        gfp.mode = channels == 1 || settings.stereoMode() == StereoMode.MONO ? MPEGMode.MONO
                : settings.stereoMode() == StereoMode.STEREO ? MPEGMode.STEREO : MPEGMode.JOINT_STEREO;
        gfp.quality = settings.lameQuality();
        gfp.bWriteVbrTag = false;
        gfp.findReplayGain = false;
        gfp.write_id3tag_automatic = false;
        if (settings.isVbr()) {
            gfp.VBR = VbrMode.vbr_mtrh;
            gfp.VBR_q = settings.vbrQuality();
        } else {
            gfp.VBR = VbrMode.vbr_off;
            gfp.brate = bitrateKbps;
        }
        int rc = lame.lame_init_params(gfp);
        if (rc < 0) {
            throw new IllegalArgumentException("jump3r lame_init_params rejected " + settings + " at "
                    + sampleRateHz + " Hz, " + channels + " channel(s): code " + rc);
        }
    }

    private void wireModules() {
        GetAudio audio = new GetAudio();
        GainAnalysis gain = new GainAnalysis();
        BitStream bitStream = new BitStream();
        Presets presets = new Presets();
        QuantizePVT quantizePvt = new QuantizePVT();
        Quantize quantize = new Quantize();
        VBRTag vbrTag = new VBRTag();
        Version version = new Version();
        ID3Tag id3 = new ID3Tag();
        Reservoir reservoir = new Reservoir();
        Takehiro takehiro = new Takehiro();
        Parse parse = new Parse();
        MPGLib mpg = new MPGLib();
        Interface intf = new Interface();
        Common common = new Common();

        lame.setModules(gain, bitStream, presets, quantizePvt, quantize, vbrTag, version, id3, mpg);
        bitStream.setModules(gain, mpg, version, vbrTag);
        id3.setModules(bitStream, version);
        presets.setModules(lame);
        quantize.setModules(bitStream, reservoir, quantizePvt, takehiro);
        quantizePvt.setModules(takehiro, reservoir, lame.enc.psy);
        reservoir.setModules(bitStream);
        takehiro.setModules(quantizePvt);
        vbrTag.setModules(lame, bitStream, version);
        audio.setModules(parse, mpg);
        parse.setModules(version, id3, presets);
        mpg.setModules(intf, common);
        intf.setModules(vbrTag, common);
    }

    @Override
    public int encode(float[] left, float[] right, int frames, byte[] out) {
        ensureOpen();
        toInt32(left, intLeft, frames);
        toInt32(channels == 2 ? right : left, intRight, frames);
        return check("lame_encode_buffer_int",
                lame.lame_encode_buffer_int(gfp, intLeft, intRight, frames, out, 0, out.length));
    }

    private static void toInt32(float[] in, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            // Input is clipped to [-1, 1]; the float-to-int cast saturates at +1.0.
            out[i] = (int) (in[i] * INT32_FULL_SCALE);
        }
    }

    @Override
    public int flushNoGap(byte[] out) {
        ensureOpen();
        return check("lame_encode_flush_nogap", lame.lame_encode_flush_nogap(gfp, out, out.length));
    }

    @Override
    public int finish(byte[] out) {
        ensureOpen();
        return check("lame_encode_flush", lame.lame_encode_flush(gfp, out, 0, out.length));
    }

    private static int check(String call, int n) {
        if (n < 0) {
            throw new IllegalStateException("jump3r " + call + " failed with code " + n);
        }
        return n;
    }

    @Override
    public EncoderBackend kind() {
        return EncoderBackend.JAVA;
    }

    @Override
    public String version() {
        return "jump3r 1.0.5 (LAME 3.98.4, pure Java)";
    }

    @Override
    public void close() {
        if (gfp != null) {
            LameGlobalFlags g = gfp;
            gfp = null;
            lame.lame_close(g);
        }
    }

    private void ensureOpen() {
        if (gfp == null) {
            throw new IllegalStateException("encoder is closed");
        }
    }
}
