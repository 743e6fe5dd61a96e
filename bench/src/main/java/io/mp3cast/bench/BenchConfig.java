package io.mp3cast.bench;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;

/** The two encoder configurations the benchmarks compare, and the lame CLI arguments that match them. */
enum BenchConfig {
    MONO_24K_64("24 kHz mono 64 kbps", new PcmFormat(24000, 1, SampleEncoding.FLOAT32_LE), 64, "m", "24"),
    STEREO_44K1_128("44.1 kHz stereo 128 kbps", new PcmFormat(44100, 2, SampleEncoding.FLOAT32_LE), 128, "j", "44.1");

    /** LAME's algorithm quality on both sides; the lame CLI's own default is -q 3, so it is always passed. */
    static final int LAME_QUALITY = 5;

    final String label;
    final PcmFormat format;
    final int bitrateKbps;
    private final String cliMode;
    private final String cliRateKhz;

    BenchConfig(String label, PcmFormat format, int bitrateKbps, String cliMode, String cliRateKhz) {
        this.label = label;
        this.format = format;
        this.bitrateKbps = bitrateKbps;
        this.cliMode = cliMode;
        this.cliRateKhz = cliRateKhz;
    }

    EncoderSettings settings(EncoderBackend backend) {
        return EncoderSettings.cbr(bitrateKbps).withLameQuality(LAME_QUALITY).withBackend(backend);
    }

    /**
     * The lame CLI encoding {@code wav} like {@link #settings}: CBR, same quality, no LAME/Xing tag,
     * no ReplayGain analysis (the library side has it off; the CLI's default is on), and the output
     * rate pinned to the input rate (the library side pins it; the CLI may otherwise pick a lower one).
     */
    String[] lameCommand(String lame, String wav, String mp3, boolean replayGain) {
        return replayGain
                ? new String[] {lame, "--silent", "-t", "--cbr", "-b", String.valueOf(bitrateKbps),
                    "-q", String.valueOf(LAME_QUALITY), "-m", cliMode, "--resample", cliRateKhz, wav, mp3}
                : new String[] {lame, "--silent", "-t", "--noreplaygain", "--cbr", "-b", String.valueOf(bitrateKbps),
                    "-q", String.valueOf(LAME_QUALITY), "-m", cliMode, "--resample", cliRateKhz, wav, mp3};
    }
}
