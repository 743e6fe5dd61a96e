package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.FrameSplitter;
import io.mp3cast.testing.AudioMath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * What a listener heard: the MP3 it got, cut into whole frames from the first one on (Icecast's
 * burst starts mid-frame, which every decoder reports once), decoded by JLayer frame by frame, each
 * frame's audio placed at the time its last byte arrived. Decoding fails the test at the first frame
 * that does not decode; bytes that are no frame after the first frame are counted
 * ({@link #junkAfterFirstFrame()}) and mpg123 is asked too ({@link #assertDecodesCleanly()}).
 */
public final class Heard {
    private final byte[] frames;
    private final int leadingJunk;
    private final long junkAfterFirstFrame;
    private final float[] mono;
    private final int sampleRateHz;
    /** Per frame: the first sample of its audio in {@link #mono}, and when its last byte arrived. */
    private final int[] frameStart;
    private final long[] frameArrivalNanos;

    private Heard(byte[] frames, int leadingJunk, long junkAfterFirstFrame, float[] mono, int sampleRateHz,
                  int[] frameStart, long[] frameArrivalNanos) {
        this.frames = frames;
        this.leadingJunk = leadingJunk;
        this.junkAfterFirstFrame = junkAfterFirstFrame;
        this.mono = mono;
        this.sampleRateHz = sampleRateHz;
        this.frameStart = frameStart;
        this.frameArrivalNanos = frameArrivalNanos;
    }

    /** What {@code capture} has received so far. */
    public static Heard of(IcyCapture capture) {
        byte[] audio = capture.audio();
        List<int[]> spans = new ArrayList<>();
        FrameSplitter splitter = new FrameSplitter();
        long[] skippedBeforeFirst = {-1};
        // One feed call: every frame but a held-back last one is passed straight from this array.
        splitter.feed(audio, 0, audio.length, (data, off, len) -> {
            if (data == audio) {
                if (skippedBeforeFirst[0] < 0) {
                    skippedBeforeFirst[0] = splitter.skippedBytes() + splitter.id3Bytes();
                }
                spans.add(new int[] {off, len});
            }
        });
        if (spans.isEmpty()) {
            throw new AssertionError("no whole MP3 frame in " + audio.length + " bytes heard");
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        long[] arrival = new long[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            int[] s = spans.get(i);
            whole.write(audio, s[0], s[1]);
            arrival[i] = capture.arrivalNanos(s[0] + s[1] - 1);
        }
        long junk = splitter.skippedBytes() - skippedBeforeFirst[0];
        return decode(whole.toByteArray(), spans.get(0)[0], junk, arrival);
    }

    private static Heard decode(byte[] frames, int leadingJunk, long junk, long[] arrival) {
        Bitstream bitstream = new Bitstream(new ByteArrayInputStream(frames));
        Decoder decoder = new Decoder();
        float[] mono = new float[1 << 16];
        int length = 0;
        int rate = 0;
        int[] starts = new int[arrival.length];
        int n = 0;
        try {
            for (Header h; n < arrival.length && (h = bitstream.readFrame()) != null; n++) {
                SampleBuffer buf = (SampleBuffer) decoder.decodeFrame(h, bitstream);
                rate = h.frequency();
                int channels = buf.getChannelCount();
                int samples = buf.getBufferLength() / channels;
                if (length + samples > mono.length) {
                    mono = Arrays.copyOf(mono, Math.max(2 * mono.length, length + samples));
                }
                short[] data = buf.getBuffer();
                for (int i = 0; i < samples; i++) {
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += data[i * channels + c];
                    }
                    mono[length + i] = sum / channels / 32768f;
                }
                starts[n] = length;
                length += samples;
                bitstream.closeFrame();
            }
        } catch (BitstreamException | DecoderException e) {
            throw new AssertionError("frame " + n + " of " + arrival.length + " heard does not decode: " + e.getMessage(), e);
        }
        return new Heard(frames, leadingJunk, junk, Arrays.copyOf(mono, length), rate,
                Arrays.copyOf(starts, n), Arrays.copyOf(arrival, n));
    }

    /** mpg123 decodes the frames without a word, and nothing but frames came after the first one. */
    public Heard assertDecodesCleanly() throws IOException, InterruptedException {
        assertThat(junkAfterFirstFrame).as("bytes that are no MP3 frame, after the first frame").isZero();
        assertThat(Tools.mpg123Complaints(frames)).as("mpg123 on what was heard").isEmpty();
        return this;
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public int frames() {
        return frameStart.length;
    }

    /** Bytes before the first whole frame: a burst that starts mid-frame. */
    public int leadingJunk() {
        return leadingJunk;
    }

    public long junkAfterFirstFrame() {
        return junkAfterFirstFrame;
    }

    /** Seconds of audio decoded. */
    public double seconds() {
        return (double) mono.length / sampleRateHz;
    }

    /**
     * The loudest frequency (100-2000 Hz) in {@code [fromSeconds, toSeconds)} of the audio, at most a
     * second of it: a scan in 5 Hz steps, then 0.5 Hz steps around the best.
     */
    public double dominantHz(double fromSeconds, double toSeconds) {
        double to = Math.min(toSeconds, fromSeconds + 1);
        double coarse = loudest(100, 2000, 5, fromSeconds, to);
        return loudest(coarse - 5, coarse + 5, 0.5, fromSeconds, to);
    }

    private double loudest(double fromHz, double toHz, double stepHz, double fromSeconds, double toSeconds) {
        double best = fromHz;
        double bestAmplitude = -1;
        for (double f = fromHz; f <= toHz; f += stepHz) {
            double a = amplitudeAt(f, fromSeconds, toSeconds);
            if (a > bestAmplitude) {
                best = f;
                bestAmplitude = a;
            }
        }
        return best;
    }

    public double rms(double fromSeconds, double toSeconds) {
        int from = sample(fromSeconds);
        return AudioMath.rms(mono, from, sample(toSeconds) - from);
    }

    /** When the audio at {@code seconds} arrived: the arrival of the frame that holds it. */
    public long arrivalNanos(double seconds) {
        int s = sample(seconds);
        int i = Arrays.binarySearch(frameStart, s);
        return frameArrivalNanos[i >= 0 ? i : -i - 2];
    }

    /**
     * The audio cut in windows of {@code windowSeconds}: for each, where it starts in the audio, when
     * it arrived, its RMS, and how much of it is a sine at {@code hz} (1 for that tone alone, 0 for
     * none of it: the tone's amplitude over the amplitude a pure tone of this RMS would have).
     */
    public List<Window> windows(double windowSeconds, double hz) {
        List<Window> all = new ArrayList<>();
        for (double t = 0; t + windowSeconds <= seconds(); t += windowSeconds) {
            double rms = rms(t, t + windowSeconds);
            double amplitude = amplitudeAt(hz, t, t + windowSeconds);
            all.add(new Window(t, arrivalNanos(t + windowSeconds), rms, rms == 0 ? 0 : amplitude / (rms * Math.sqrt(2))));
        }
        return all;
    }

    /** The amplitude of the sine at {@code hz} in {@code [fromSeconds, toSeconds)}: one DFT bin. */
    private double amplitudeAt(double hz, double fromSeconds, double toSeconds) {
        int from = sample(fromSeconds);
        int n = sample(toSeconds) - from;
        double w = 2 * Math.PI * hz / sampleRateHz;
        double re = 0;
        double im = 0;
        for (int i = 0; i < n; i++) {
            re += mono[from + i] * Math.cos(w * i);
            im += mono[from + i] * Math.sin(w * i);
        }
        return 2 * Math.sqrt(re * re + im * im) / n;
    }

    /** A stretch of what was heard. */
    public record Window(double atSeconds, long arrivedNanos, double rms, double toneShare) {
        /** Loud, and mostly the tone the window was measured for. */
        public boolean isTone() {
            return rms > 0.05 && toneShare > 0.7;
        }

        public boolean isSilent() {
            return rms < 0.005;
        }
    }

    private int sample(double seconds) {
        return (int) Math.max(0, Math.min(mono.length, Math.round(seconds * sampleRateHz)));
    }
}
