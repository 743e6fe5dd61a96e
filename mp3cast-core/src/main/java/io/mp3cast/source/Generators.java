package io.mp3cast.source;

import io.mp3cast.pcm.PcmFormat;
import java.io.IOException;
import java.util.SplittableRandom;

/** The built-in sources behind {@link AudioSources}. */
final class Generators {
    private Generators() {}

    /** Writes whole sample frames, the same value on every channel. */
    abstract static class MonoGenerator implements AudioSource {
        private final PcmFormat format;
        private final int channels;

        MonoGenerator(PcmFormat format) {
            this.format = format;
            this.channels = format.channels();
        }

        @Override
        public PcmFormat format() {
            return format;
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            int frames = length / channels;
            if (frames == 0 && length > 0) {
                throw new IllegalArgumentException("length not supported: " + length + " (at least "
                        + channels + " samples, one per channel)");
            }
            for (int i = 0; i < frames; i++) {
                float v = next();
                for (int c = 0; c < channels; c++) {
                    buffer[offset + i * channels + c] = v;
                }
            }
            return frames * channels;
        }

        abstract float next();
    }

    static final class Tone extends MonoGenerator {
        private final double phaseStep;
        private final double amplitude;
        private double phase;

        Tone(PcmFormat format, double frequencyHz, double amplitude) {
            super(format);
            this.phaseStep = 2 * Math.PI * frequencyHz / format.sampleRateHz();
            this.amplitude = amplitude;
        }

        @Override
        float next() {
            float v = (float) (amplitude * Math.sin(phase));
            phase += phaseStep;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;  // keeps precision over hours
            }
            return v;
        }
    }

    static final class Chirp extends MonoGenerator {
        private final double fromHz;
        private final double ratio;
        private final long periodFrames;
        private final double rate;
        private final double amplitude;
        private long position;
        private double phase;

        Chirp(PcmFormat format, double fromHz, double toHz, double periodSeconds, double amplitude) {
            super(format);
            this.fromHz = fromHz;
            this.ratio = toHz / fromHz;
            this.rate = format.sampleRateHz();
            this.periodFrames = Math.max(1, Math.round(periodSeconds * rate));
            this.amplitude = amplitude;
        }

        @Override
        float next() {
            double t = (double) position / periodFrames;
            double hz = fromHz * Math.pow(ratio, t);
            float v = (float) (amplitude * Math.sin(phase));
            phase += 2 * Math.PI * hz / rate;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
            position = (position + 1) % periodFrames;
            return v;
        }
    }

    static final class Silence extends MonoGenerator {
        Silence(PcmFormat format) {
            super(format);
        }

        @Override
        float next() {
            return 0f;
        }
    }

    static final class Noise implements AudioSource {
        private final PcmFormat format;
        private final SplittableRandom random;

        Noise(PcmFormat format, long seed) {
            this.format = format;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public PcmFormat format() {
            return format;
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            for (int i = 0; i < length; i++) {
                buffer[offset + i] = (float) (random.nextDouble() * 2 - 1);
            }
            return length;
        }
    }

    static final class Limited implements AudioSource {
        private final AudioSource source;
        private final int channels;
        private long samplesLeft;

        Limited(AudioSource source, long frames) {
            this.source = source;
            this.channels = source.format().channels();
            this.samplesLeft = frames * channels;
        }

        @Override
        public PcmFormat format() {
            return source.format();
        }

        @Override
        public int read(float[] buffer, int offset, int length) throws IOException {
            if (samplesLeft == 0) {
                return -1;
            }
            int n = source.read(buffer, offset, (int) Math.min(length, samplesLeft));
            if (n < 0) {
                samplesLeft = 0;
                return -1;
            }
            samplesLeft -= n;
            return n;
        }

        @Override
        public void close() {
            source.close();
        }
    }
}
