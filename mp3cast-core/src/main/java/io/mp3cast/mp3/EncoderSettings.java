package io.mp3cast.mp3;

import io.mp3cast.pcm.PcmFormat;
import java.util.Arrays;
import java.util.Objects;

/**
 * How to encode: rate control, LAME's algorithm quality, stereo coding and the backend.
 *
 * <p>Defaults ({@link #DEFAULT}): constant bitrate chosen from the format (64 kbps for mono,
 * 128 kbps for stereo, capped at the MPEG version's maximum), LAME quality 5, joint stereo,
 * automatic backend. Streams never carry a Xing/Info tag.
 *
 * @param bitrateKbps  constant bitrate; {@link #AUTO_BITRATE} picks one from the format;
 *                     ignored when {@code vbrQuality} is set
 * @param vbrQuality   variable bitrate quality 0 (best) to 9, or {@link #CBR} for constant bitrate
 * @param lameQuality  LAME's algorithm quality 0 (best, slowest) to 9 (fastest); 5 here, a streaming
 *                     balance (libmp3lame and the lame CLI default to 3)
 * @param stereoMode   how two channels are coded
 * @param backend      which LAME runs
 */
public record EncoderSettings(int bitrateKbps, int vbrQuality, int lameQuality, StereoMode stereoMode,
                              EncoderBackend backend) {

    /** {@code bitrateKbps} value that picks the bitrate from the format. */
    public static final int AUTO_BITRATE = 0;
    /** {@code vbrQuality} value for constant bitrate. */
    public static final int CBR = -1;

    public static final EncoderSettings DEFAULT =
            new EncoderSettings(AUTO_BITRATE, CBR, 5, StereoMode.JOINT_STEREO, EncoderBackend.AUTO);

    public EncoderSettings {
        Objects.requireNonNull(stereoMode, "stereoMode");
        Objects.requireNonNull(backend, "backend");
        if (bitrateKbps < 0 || bitrateKbps > 320) {
            throw new IllegalArgumentException("bitrateKbps not supported: " + bitrateKbps + " (8-320)");
        }
        if (vbrQuality != CBR && (vbrQuality < 0 || vbrQuality > 9)) {
            throw new IllegalArgumentException("vbrQuality not supported: " + vbrQuality + " (0-9, or CBR)");
        }
        if (lameQuality < 0 || lameQuality > 9) {
            throw new IllegalArgumentException("lameQuality not supported: " + lameQuality + " (0-9)");
        }
    }

    /** Constant bitrate at {@code bitrateKbps}, other settings default. */
    public static EncoderSettings cbr(int bitrateKbps) {
        return DEFAULT.withBitrateKbps(bitrateKbps);
    }

    /** Variable bitrate at {@code vbrQuality} (0 best, 9 smallest), other settings default. */
    public static EncoderSettings vbr(int vbrQuality) {
        return DEFAULT.withVbrQuality(vbrQuality);
    }

    public EncoderSettings withBitrateKbps(int kbps) {
        return new EncoderSettings(kbps, CBR, lameQuality, stereoMode, backend);
    }

    public EncoderSettings withVbrQuality(int quality) {
        return new EncoderSettings(bitrateKbps, quality, lameQuality, stereoMode, backend);
    }

    public EncoderSettings withLameQuality(int quality) {
        return new EncoderSettings(bitrateKbps, vbrQuality, quality, stereoMode, backend);
    }

    public EncoderSettings withStereoMode(StereoMode mode) {
        return new EncoderSettings(bitrateKbps, vbrQuality, lameQuality, mode, backend);
    }

    public EncoderSettings withBackend(EncoderBackend newBackend) {
        return new EncoderSettings(bitrateKbps, vbrQuality, lameQuality, stereoMode, newBackend);
    }

    public boolean isVbr() {
        return vbrQuality != CBR;
    }

    /**
     * The constant bitrate used for {@code format}: the configured one, checked against the MPEG
     * version of its sample rate, or the automatic choice.
     *
     * @throws IllegalArgumentException naming the bitrate and the legal ones when it is not legal
     */
    public int effectiveBitrateKbps(PcmFormat format) {
        MpegVersion version = MpegVersion.forSampleRate(format.sampleRateHz());
        if (bitrateKbps == AUTO_BITRATE) {
            int wanted = format.channels() == 1 ? 64 : 128;
            int[] legal = version.bitratesKbps();
            return Math.min(wanted, legal[legal.length - 1]);
        }
        if (!version.allowsBitrate(bitrateKbps)) {
            throw new IllegalArgumentException("bitrateKbps not supported: " + bitrateKbps + " for " + version
                    + " (" + format.sampleRateHz() + " Hz); allowed: " + Arrays.toString(version.bitratesKbps()));
        }
        return bitrateKbps;
    }
}
