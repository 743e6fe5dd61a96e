package io.mp3cast.mp3;

/** The MPEG audio version of a Layer III stream, which fixes its sample rates and bitrates. */
public enum MpegVersion {
    MPEG_1(1152, new int[] {44100, 48000, 32000},
            new int[] {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}),
    MPEG_2(576, new int[] {22050, 24000, 16000},
            new int[] {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}),
    MPEG_2_5(576, new int[] {11025, 12000, 8000},
            new int[] {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160});

    private final int samplesPerFrame;
    private final int[] sampleRatesHz;
    private final int[] bitratesKbps;

    MpegVersion(int samplesPerFrame, int[] sampleRatesHz, int[] bitratesKbps) {
        this.samplesPerFrame = samplesPerFrame;
        this.sampleRatesHz = sampleRatesHz;
        this.bitratesKbps = bitratesKbps;
    }

    /** Samples per channel in one Layer III frame: 1152 for MPEG-1, 576 otherwise. */
    public int samplesPerFrame() {
        return samplesPerFrame;
    }

    /** The version whose sample rates include this one. */
    public static MpegVersion forSampleRate(int sampleRateHz) {
        for (MpegVersion v : values()) {
            for (int r : v.sampleRatesHz) {
                if (r == sampleRateHz) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("sampleRateHz not supported: " + sampleRateHz);
    }

    /** Whether a constant bitrate is legal for this version (free format excluded). */
    public boolean allowsBitrate(int bitrateKbps) {
        return bitrateKbps > 0 && indexOf(bitratesKbps, bitrateKbps) >= 0;
    }

    /** The legal constant bitrates, lowest first, free format excluded. */
    public int[] bitratesKbps() {
        return java.util.Arrays.copyOfRange(bitratesKbps, 1, bitratesKbps.length);
    }

    int sampleRateForIndex(int index) {
        return sampleRatesHz[index];
    }

    int bitrateForIndex(int index) {
        return bitratesKbps[index];
    }

    @Override
    public String toString() {
        return switch (this) {
            case MPEG_1 -> "MPEG-1";
            case MPEG_2 -> "MPEG-2";
            case MPEG_2_5 -> "MPEG-2.5";
        };
    }

    private static int indexOf(int[] values, int wanted) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
