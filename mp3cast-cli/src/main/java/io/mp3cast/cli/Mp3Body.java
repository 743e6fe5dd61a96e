package io.mp3cast.cli;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.FrameSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MP3 to push, sent as {@code audio/mpeg} the way an Icecast source sends it.
 *
 * <p>The input goes through a {@link FrameSplitter} and only whole frames are sent: ID3 tags (cover
 * art can be megabytes) and stray bytes stay behind, and each frame's header says how long it
 * plays, which {@code --realtime} and the progress bar need; an MP3's bytes say nothing about time
 * once its bitrate varies. Opening reads up to the first frame, so a file that is no MP3 is
 * reported before anything is sent.
 */
final class Mp3Body implements PushBody {
    private static final int BLOCK_BYTES = 64 * 1024;
    /** About a tenth of a second at 128 kbps, so a paced upload goes out in small steps. */
    private static final int PACED_BLOCK_BYTES = 2048;
    /** Bytes of no frame (ID3 tags aside) after which an input is taken for something else. */
    private static final long GIVE_UP_BYTES = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String name;
    private final InputStream in;
    private final boolean owned;
    private byte[] block = new byte[PACED_BLOCK_BYTES];
    private final FrameSplitter splitter = new FrameSplitter();
    /** Frames split off and not yet sent: what one block of input completed. */
    private byte[] frames = new byte[BLOCK_BYTES];
    private int framesLength;
    private boolean ended;
    private long splitNanos;
    private long sentNanos;
    private FrameHeader first;

    private Mp3Body(String name, InputStream in, boolean owned) {
        this.name = name;
        this.in = in;
        this.owned = owned;
    }

    /**
     * Whether blocks are paced to real time: then they are small, so a paced upload goes out in
     * small steps; else 64 KiB. Up to the first frame the input is read in small blocks.
     */
    Mp3Body paced(boolean paced) {
        block = new byte[paced ? PACED_BLOCK_BYTES : BLOCK_BYTES];
        return this;
    }

    /**
     * Opens {@code input}, a path or {@code -} for stdin, and reads it up to its first frame.
     *
     * @throws CliException when no frame comes before the input ends or {@value #GIVE_UP_BYTES} bytes of other data
     */
    static Mp3Body open(String input, InputStream stdin) throws IOException, CliException {
        boolean isStdin = PcmInput.STDIN.equals(input);
        Mp3Body body = new Mp3Body(isStdin ? "stdin" : input, isStdin ? stdin : PcmInput.openFile(Path.of(input)),
                !isStdin);
        try {
            body.readFirstFrame();
            return body;
        } catch (IOException | CliException | RuntimeException e) {
            body.close();
            throw e;
        }
    }

    private void readFirstFrame() throws IOException, CliException {
        while (framesLength == 0) {
            if (splitter.skippedBytes() > GIVE_UP_BYTES) {
                throw CliException.badInput(name + ": not MP3 (no frame in its first " + GIVE_UP_BYTES / 1024
                        + " KiB); for PCM leave out --format mp3, or give f32le, s16le or s16be", null);
            }
            readBlock();
            if (ended && framesLength == 0) {
                throw CliException.badInput(name + ": " + (splitter.skippedBytes() + splitter.id3Bytes() == 0
                        ? "it is empty" : "no MP3 frame in it"), null);
            }
        }
    }

    /** Splits the next block of input into {@link #frames}. */
    private void readBlock() throws IOException {
        int n = in.read(block);
        if (n < 0) {
            ended = true;
            splitter.end(this::collect);
        } else {
            splitter.feed(block, 0, n, this::collect);
        }
    }

    private void collect(byte[] data, int offset, int length) {
        if (framesLength + length > frames.length) {
            frames = Arrays.copyOf(frames, Math.max(2 * frames.length, framesLength + length));
        }
        System.arraycopy(data, offset, frames, framesLength, length);
        framesLength += length;
        // The splitter has taken this frame's header as its last before handing the frame over.
        FrameHeader h = splitter.lastHeader().orElseThrow();
        if (first == null) {
            first = h;
        }
        splitNanos += h.samplesPerFrame() * NANOS_PER_SECOND / h.sampleRateHz();
    }

    @Override
    public void transferTo(BlockSink sink) throws IOException, CliException {
        while (true) {
            if (framesLength > 0) {
                sink.accept(frames, 0, framesLength, sentNanos, splitNanos);
                sentNanos = splitNanos;
                framesLength = 0;
            }
            if (ended) {
                return;
            }
            readBlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** From the first frame's header; the bitrate too unless a later frame has another (VBR), which is not known ahead. */
    @Override
    public Map<String, String> audioInfo() {
        return PushBody.audioInfo(first.sampleRateHz(), first.channelMode().channels(), first.bitrateKbps());
    }

    @Override
    public String describe() {
        return splitter.lastHeader().map(h -> String.format(Locale.ROOT, "MP3 %d Hz, %d frames", h.sampleRateHz(),
                splitter.frames())).orElse("MP3");
    }

    @Override
    public long durationNanos() {
        return UNKNOWN_DURATION;
    }

    /** None: tags and trailing junk are common in MP3 files, and leaving them out is the point. */
    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            in.close();
        }
    }
}
