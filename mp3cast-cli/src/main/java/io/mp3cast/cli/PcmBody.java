package io.mp3cast.cli;

import io.mp3cast.pcm.PcmFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PCM to push, from a raw PCM input or a WAV, sent as raw PCM with its format in the query
 * ({@code ?format=f32le&rate=24000&channels=1}).
 *
 * <p>A WAV's header is read here, by {@link io.mp3cast.pcm.WavHeader}, and only its samples are
 * sent, rather than the file as it is with {@code Content-Type: audio/wav}:
 * <ul>
 *   <li>a file that is no WAV, or one the encoder cannot take (24-bit, say), is reported before
 *       anything is sent, naming the file, instead of by the server mid-upload;</li>
 *   <li>exactly the header's {@code data} bytes go out: chunks after them (LIST, id3) never reach
 *       the encoder as noise, and a live WAV of unknown length is read to its end;</li>
 *   <li>the server sees one wire format from push whatever the input was, and its logs show it
 *       in the query;</li>
 *   <li>{@code --realtime} and the progress bar need the format here anyway.</li>
 * </ul>
 * Raw input is sent byte for byte, a last partial sample frame included.
 */
final class PcmBody implements PushBody {
    private static final int BLOCK_BYTES = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PcmInput in;
    private final int blockBytes;
    private long sentBytes;

    /** @param paced whether blocks are paced to real time: then each holds a tenth of a second, not 64 KiB */
    PcmBody(PcmInput in, boolean paced) {
        this.in = in;
        int frame = in.format().bytesPerFrame();
        this.blockBytes = paced ? Math.max(frame, in.format().sampleRateHz() / 10 * frame) : BLOCK_BYTES;
    }

    @Override
    public String name() {
        return in.name();
    }

    @Override
    public String contentType() {
        return "application/octet-stream";
    }

    @Override
    public Map<String, String> formatQuery() {
        PcmFormat f = in.format();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("format", f.encoding().shortName());
        query.put("rate", Integer.toString(f.sampleRateHz()));
        query.put("channels", Integer.toString(f.channels()));
        return query;
    }

    /** No bitrate: the server's encoder picks it. */
    @Override
    public Map<String, String> audioInfo() {
        return PushBody.audioInfo(in.format().sampleRateHz(), in.format().channels(), 0);
    }

    @Override
    public String describe() {
        return in.format().toString();
    }

    @Override
    public long durationNanos() {
        return in.isLengthKnown() ? nanosAt(in.dataBytes()) : UNKNOWN_DURATION;
    }

    @Override
    public void transferTo(BlockSink sink) throws IOException, CliException {
        byte[] block = new byte[blockBytes];
        long left = in.isLengthKnown() ? in.dataBytes() : Long.MAX_VALUE;
        int n;
        while (left > 0 && (n = in.stream().read(block, 0, (int) Math.min(block.length, left))) > 0) {
            sink.accept(block, 0, n, nanosAt(sentBytes), nanosAt(sentBytes + n));
            sentBytes += n;
            left -= n;
        }
    }

    @Override
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (in.isLengthKnown() && sentBytes < in.dataBytes()) {
            warnings.add(in.name() + " ended after " + sentBytes + " of " + in.dataBytes()
                    + " data bytes (truncated?); sent what was there");
        }
        return warnings;
    }

    /** Where the audio is after {@code bytes}; split in whole seconds and the rest, so days of it do not overflow. */
    private long nanosAt(long bytes) {
        long frames = bytes / in.format().bytesPerFrame();
        int rate = in.format().sampleRateHz();
        return frames / rate * NANOS_PER_SECOND + frames % rate * NANOS_PER_SECOND / rate;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
