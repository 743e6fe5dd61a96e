package io.mp3cast.cli;

import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.mp3.Mp3FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PCM (a WAV or raw input) encoded to MP3 here, by one continuous encoder, and sent as
 * {@code audio/mpeg}: for servers that take MP3 only. Icecast accepts a {@code PUT} of any content
 * type and passes it on as it is, so raw PCM sent to it is lost on every listener; see
 * {@link PushTarget} for when this is used.
 *
 * <p>Each block of PCM that {@link PcmBody} reads is encoded at once and the whole frames it
 * completes go out together, placed in time by their own durations, so {@code --realtime} paces
 * the MP3 as it plays. At the end the encoder's tail is flushed and sent.
 */
final class EncodedBody implements PushBody {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PcmBody pcm;
    private final Mp3Encoder encoder;
    private byte[] frames = new byte[16 * 1024];
    private int framesLength;
    private long framesNanos;
    private long sentNanos;
    private long frameCount;

    /** Takes ownership of {@code encoder}, which must be open for {@code pcm}'s format. */
    EncodedBody(PcmBody pcm, Mp3Encoder encoder) {
        this.pcm = pcm;
        this.encoder = encoder;
    }

    @Override
    public String name() {
        return pcm.name();
    }

    @Override
    public Map<String, String> audioInfo() {
        return PushBody.audioInfo(encoder.format().sampleRateHz(), encoder.format().channels(),
                encoder.settings().isVbr() ? 0 : encoder.bitrateKbps());
    }

    @Override
    public String describe() {
        String rate = encoder.settings().isVbr() ? "VBR quality " + encoder.settings().vbrQuality()
                : encoder.bitrateKbps() + " kbps";
        return String.format(Locale.ROOT, "%s as MP3 %s, %d frames", pcm.describe(), rate, frameCount);
    }

    @Override
    public long durationNanos() {
        return pcm.durationNanos();
    }

    @Override
    public void transferTo(BlockSink sink) throws IOException, CliException {
        pcm.transferTo((block, offset, length, startNanos, endNanos) -> {
            encoder.encode(ByteBuffer.wrap(block, offset, length), this::collect);
            send(sink);
        });
        encoder.finish(this::collect);
        send(sink);
    }

    private void collect(byte[] data, int offset, int length) {
        if (framesLength + length > frames.length) {
            frames = Arrays.copyOf(frames, Math.max(2 * frames.length, framesLength + length));
        }
        System.arraycopy(data, offset, frames, framesLength, length);
        framesLength += length;
        frameCount++;
        try {
            FrameHeader h = FrameHeader.parse(data, offset);
            framesNanos += h.samplesPerFrame() * NANOS_PER_SECOND / h.sampleRateHz();
        } catch (Mp3FormatException e) {
            throw new IllegalStateException("the encoder made a frame without a header: " + e.getMessage(), e);
        }
    }

    private void send(BlockSink sink) throws IOException, CliException {
        if (framesLength > 0) {
            sink.accept(frames, 0, framesLength, sentNanos, framesNanos);
            sentNanos = framesNanos;
            framesLength = 0;
        }
    }

    @Override
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>(pcm.warnings());
        if (encoder.clippedSamples() > 0) {
            warnings.add("samples outside [-1, 1], clipped: " + encoder.clippedSamples());
        }
        return warnings;
    }

    @Override
    public void close() throws IOException {
        try {
            encoder.close();
        } finally {
            pcm.close();
        }
    }
}
