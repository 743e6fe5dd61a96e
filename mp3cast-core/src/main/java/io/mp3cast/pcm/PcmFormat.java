package io.mp3cast.pcm;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a PCM stream: sample rate, channel count and sample encoding (interleaved).
 *
 * <p>Only the nine sample rates MP3 can carry are accepted; any other rate is rejected rather
 * than silently resampled, so what comes out plays at exactly the rate that went in.
 *
 * @param sampleRateHz one of {@link #MP3_SAMPLE_RATES_HZ}
 * @param channels     1 (mono) or 2 (stereo, interleaved left, right)
 * @param encoding     how each sample is stored in bytes
 */
public record PcmFormat(int sampleRateHz, int channels, SampleEncoding encoding) {

    /** The sample rates of MPEG-1, MPEG-2 and MPEG-2.5 Layer III. */
    public static final int[] MP3_SAMPLE_RATES_HZ = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};

    public PcmFormat {
        Objects.requireNonNull(encoding, "encoding");
        if (!isMp3SampleRate(sampleRateHz)) {
            throw new IllegalArgumentException("sampleRateHz not supported: " + sampleRateHz
                    + " (MP3 carries only " + ratesList() + ")");
        }
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels not supported: " + channels + " (1 or 2)");
        }
    }

    /** Mono float32 little-endian: what speech synthesizers produce. */
    public static PcmFormat floatMono(int sampleRateHz) {
        return new PcmFormat(sampleRateHz, 1, SampleEncoding.FLOAT32_LE);
    }

    public static PcmFormat of(int sampleRateHz, int channels, SampleEncoding encoding) {
        return new PcmFormat(sampleRateHz, channels, encoding);
    }

    public static boolean isMp3SampleRate(int sampleRateHz) {
        return Arrays.stream(MP3_SAMPLE_RATES_HZ).anyMatch(r -> r == sampleRateHz);
    }

    /** Bytes of one sample frame: one sample for every channel. */
    public int bytesPerFrame() {
        return channels * encoding.bytesPerSample();
    }

    public PcmFormat withEncoding(SampleEncoding newEncoding) {
        return new PcmFormat(sampleRateHz, channels, newEncoding);
    }

    @Override
    public String toString() {
        return sampleRateHz + " Hz " + (channels == 1 ? "mono" : "stereo") + " " + encoding;
    }

    private static String ratesList() {
        return Arrays.stream(MP3_SAMPLE_RATES_HZ).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }
}
