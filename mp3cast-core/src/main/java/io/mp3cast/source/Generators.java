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

        /** Computed or copied: a read returns at once. */
        @Override
        public long nanosUntilReadable(int length) {
            return 0;
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            int frames = length / channels;
            if (frames == 0 && length > 0) {
                throw new IllegalArgumentException("length not supported: " + length + " (at least "
                        + channels + " samples, one per channel)");
            }
            if (channels == 1) {
                fillMono(buffer, offset, frames);
            } else {
                for (int i = 0; i < frames; i++) {
                    float v = next();
                    for (int c = 0; c < channels; c++) {
                        buffer[offset + i * channels + c] = v;
                    }
                }
            }
            return frames * channels;
        }

        /** The next {@code frames} samples of a mono source; a generator may do better than one {@link #next} each. */
        void fillMono(float[] buffer, int offset, int frames) {
            for (int i = 0; i < frames; i++) {
                buffer[offset + i] = next();
            }
        }

        abstract float next();
    }

    /** A sine: from a shared one-second table when it repeats every second (whole hertz), else a phasor. */
    static AudioSource tone(PcmFormat format, double frequencyHz, double amplitude) {
        if (frequencyHz == Math.rint(frequencyHz)) {
            return new TableTone(format, ToneTable.of(format.sampleRateHz(), (int) frequencyHz, amplitude));
        }
        return new Tone(format, frequencyHz, amplitude);
    }

    /**
     * One second of a whole-hertz sine, each sample computed exactly ({@code Math.sin}), shared by
     * every tone with the same rate, frequency and amplitude: a second holds a whole number of
     * periods, so looping it is seamless and exact over any length. Reading it is a copy, which is
     * what the per-request demo routes want when a thousand of them run at once (the phasor took 7 %
     * of a paced 24 kHz stream's CPU, see BENCHMARKS.md). At most {@link #CACHED} tables are kept
     * (192 KB each at 48 kHz); past that a tone gets its own.
     */
    static final class ToneTable {
        static final int CACHED = 32;
        private static final java.util.Map<String, float[]> TABLES = new java.util.concurrent.ConcurrentHashMap<>();

        private ToneTable() {}

        static float[] of(int rate, int hz, double amplitude) {
            String key = rate + "/" + hz + "/" + amplitude;
            float[] table = TABLES.get(key);
            if (table == null) {
                table = compute(rate, hz, amplitude);
                if (TABLES.size() < CACHED) {
                    float[] raced = TABLES.putIfAbsent(key, table);
                    table = raced != null ? raced : table;
                }
            }
            return table;
        }

        private static float[] compute(int rate, int hz, double amplitude) {
            float[] t = new float[rate];
            for (int i = 0; i < rate; i++) {
                // i * hz is exact in a long; reduced modulo rate, the phase stays within one period.
                t[i] = (float) (amplitude * Math.sin(2 * Math.PI * (((long) i * hz) % rate) / rate));
            }
            return t;
        }
    }

    /** Reads a {@link ToneTable} round and round; copies rather than computes. */
    static final class TableTone extends MonoGenerator {
        private final float[] table;
        private int position;

        TableTone(PcmFormat format, float[] table) {
            super(format);
            this.table = table;
        }

        @Override
        void fillMono(float[] buffer, int offset, int frames) {
            for (int done = 0; done < frames; ) {
                int n = Math.min(frames - done, table.length - position);
                System.arraycopy(table, position, buffer, offset + done, n);
                done += n;
                position = (position + n) % table.length;
            }
        }

        @Override
        float next() {
            float v = table[position];
            position = position + 1 == table.length ? 0 : position + 1;
            return v;
        }
    }

    /**
     * A sine made by rotating a phasor one step per sample (two multiply-adds) rather than calling
     * {@code Math.sin} (about 14 ns a sample, 15% of encoding a 24 kHz stream); the phasor is set
     * from an exact sine every {@link #EXACT_EVERY} samples, so rounding never builds up.
     */
    static final class Tone extends MonoGenerator {
        static final int EXACT_EVERY = 1024;
        private final double phaseStep;
        private final double amplitude;
        private final double stepCos;
        private final double stepSin;
        /** Phase at the last exact point, kept within [0, 2 pi) over hours. */
        private double anchorPhase;
        private int sinceAnchor;
        private double re = 1;
        private double im;

        Tone(PcmFormat format, double frequencyHz, double amplitude) {
            super(format);
            this.phaseStep = 2 * Math.PI * frequencyHz / format.sampleRateHz();
            this.amplitude = amplitude;
            this.stepCos = Math.cos(phaseStep);
            this.stepSin = Math.sin(phaseStep);
        }

        @Override
        float next() {
            if (sinceAnchor == EXACT_EVERY) {
                anchorPhase = (anchorPhase + EXACT_EVERY * phaseStep) % (2 * Math.PI);
                re = Math.cos(anchorPhase);
                im = Math.sin(anchorPhase);
                sinceAnchor = 0;
            }
            float v = (float) (amplitude * im);
            double nextRe = re * stepCos - im * stepSin;
            im = re * stepSin + im * stepCos;
            re = nextRe;
            sinceAnchor++;
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
        public long nanosUntilReadable(int length) {
            return 0;
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

        /** As the source's, but at once at the end. */
        @Override
        public long nanosUntilReadable(int length) {
            return samplesLeft == 0 ? 0 : source.nanosUntilReadable((int) Math.min(length, samplesLeft));
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
