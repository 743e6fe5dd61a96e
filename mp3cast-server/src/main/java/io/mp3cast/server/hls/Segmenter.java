package io.mp3cast.server.hls;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import io.mp3cast.server.MountConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one live mount's frames into HLS segments: whole frames of one format, each segment within
 * half a frame of {@link MountConfig#hlsSegmentMillis()}, cut early where the sample rate or the
 * channel count changes (the next segment then carries a discontinuity). Timestamps count the audio
 * consumed, so they run on across source changes, silence and fallback alike.
 *
 * <p>It starts from the oldest frames the stream still holds, so the first playlist already lists
 * up to the stream's retention of audio, then follows the stream.
 *
 * <p><b>Threading.</b> The stream's publisher calls {@link #onFrames} after each frame: that
 * copies the frame out (a few hundred bytes) and, once per segment, packs the segment and renders
 * the playlist into a new immutable {@link Window}. Request threads only read {@link #window()}.
 * The consuming state is guarded by this object's lock, which only the publisher and the one
 * thread that attaches the segmenter take.
 */
final class Segmenter implements StreamObserver {
    private static final Logger LOG = LoggerFactory.getLogger(Segmenter.class);
    /** Frames left between the ring's oldest and where catching up starts, so the publisher does not overtake the read. */
    private static final int SAFETY_FRAMES = 16;
    /** A gap in wall time longer than this, with none in the audio, moves the program date on. */
    private static final long REANCHOR_AFTER_MILLIS = 2000;

    final String mountPath;
    final MountConfig config;
    final String token;
    final LongAdder playlistRequests = new LongAdder();
    final LongAdder segmentRequests = new LongAdder();
    private final long segmentTicks;
    private final int keptSegments;
    private final Window.SegmentUri uri;
    private volatile Window window;

    // Guarded by this.
    private long next;
    private final Frames frames = new Frames();
    private byte[] pending = new byte[16 * 1024];
    private int pendingBytes;
    private long pendingTicks;
    private long pendingStartTicks;
    private boolean pendingDiscontinuity;
    private int lastRateHz;
    private int lastChannels;
    private long consumedTicks;
    private long anchorWallMillis = -1;
    private long nextSequence;
    private long discontinuitiesDropped;
    private boolean ended;
    private final ArrayDeque<Segment> kept = new ArrayDeque<>();

    private Segmenter(String mountPath, MountConfig config, String token, Window.SegmentUri uri) {
        this.mountPath = mountPath;
        this.config = config;
        this.token = token;
        this.uri = uri;
        this.segmentTicks = Timeline.ticksOfMillis(config.hlsSegmentMillis());
        // RFC 8216 6.2.2: a segment stays available for its own duration plus the playlist's after it leaves the playlist.
        this.keptSegments = 2 * config.hlsWindowSegments() + 1;
        this.window = Window.of(List.of(), config.hlsWindowSegments(), 0, false, config.hlsTargetDurationSeconds(), uri);
    }

    /** A segmenter following {@code stream} from the oldest frames it holds. */
    static Segmenter attach(LiveStream stream, MountConfig config, String token, Window.SegmentUri uri) {
        Segmenter s = new Segmenter(stream.name(), config, token, uri);
        synchronized (s) {
            s.next = Math.min(stream.head(), stream.oldest() + SAFETY_FRAMES);
        }
        stream.addObserver(s);
        s.onFrames(stream, stream.head());
        if (stream.isEnded()) {
            s.onEnd(stream);
        }
        return s;
    }

    Window window() {
        return window;
    }

    /**
     * Runs on the publisher's thread, so a failure here must not reach the feed: it stops this
     * mount's HLS (logged), and its listeners go on.
     */
    @Override
    public synchronized void onFrames(LiveStream stream, long head) {
        try {
            follow(stream, head);
        } catch (RuntimeException e) {
            stream.removeObserver(this);
            LOG.error("{}: HLS segmenter stopped: {}", mountPath, e.toString(), e);
        }
    }

    private void follow(LiveStream stream, long head) {
        if (head <= next) {
            return;
        }
        long first = next;
        if (anchorWallMillis < 0) {
            anchorWallMillis = wallClockOf(stream, first);
        }
        if (!copyOut(stream, head)) {
            return;
        }
        reanchorAfterAGap(stream, first);
        for (int i = 0; i < frames.count; i++) {
            consume(frames.data, frames.start(i), frames.ends[i] - frames.start(i));
        }
        frames.trim();
    }

    @Override
    public synchronized void onEnd(LiveStream stream) {
        if (ended) {
            return;
        }
        onFrames(stream, stream.head());
        ended = true;
        try {
            if (pendingBytes > 0) {
                cut();
            }
            publish();
        } catch (RuntimeException e) {
            LOG.error("{}: HLS segmenter could not end its playlist: {}", mountPath, e.toString(), e);
        }
    }

    /**
     * After a gap in wall time that the audio does not have (an on-demand mount that stood by, a feed
     * that skipped ahead after a stall), moves the program date on by the gap, so that
     * {@code EXT-X-PROGRAM-DATE-TIME} stays the wall time of each segment; the media timestamps run on.
     */
    private void reanchorAfterAGap(LiveStream stream, long firstNew) {
        long expected = anchorWallMillis + Timeline.millis(consumedTicks);
        long gap = wallClockOf(stream, firstNew) - expected;
        if (gap > REANCHOR_AFTER_MILLIS) {
            anchorWallMillis += gap;
        }
    }

    /** When frame {@code seq} was published, as far as the stream knows: now less the audio after it. */
    private static long wallClockOf(LiveStream stream, long seq) {
        long now = System.currentTimeMillis();
        try {
            return now - stream.microsBehind(Math.max(seq, stream.oldest())) / 1000;
        } catch (IllegalArgumentException e) {
            return now;  // overwritten meanwhile: the publisher is far ahead, and catching up skips to the ring's oldest
        }
    }

    /** Copies frames {@code [next, head)} out of the ring; skips ahead (and says so) if the ring lost some. */
    private boolean copyOut(LiveStream stream, long head) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long oldest = stream.oldest();
            if (next < oldest) {
                long resume = Math.min(head, oldest + SAFETY_FRAMES);
                LOG.warn("{}: HLS segmenter lost frames {}-{}: the stream overtook it", mountPath, next, resume - 1);
                next = resume;
            }
            frames.clear();
            try {
                stream.read(next, head, frames::add);
                next = head;
                return true;
            } catch (IllegalArgumentException e) {
                // overtaken between the check and the read: look again
            }
        }
        return false;
    }

    private void consume(byte[] data, int offset, int length) {
        FrameHeader h;
        try {
            h = FrameHeader.parse(data, offset);
        } catch (Mp3FormatException e) {
            throw new IllegalStateException(mountPath + ": the stream holds a frame that does not parse", e);
        }
        int rate = h.sampleRateHz();
        int channels = h.channelMode().channels();
        boolean changed = lastRateHz != 0 && (rate != lastRateHz || channels != lastChannels);
        if (changed && pendingBytes > 0) {
            cut();
        }
        if (pendingBytes == 0) {
            pendingStartTicks = consumedTicks;
            pendingDiscontinuity = changed;
        }
        lastRateHz = rate;
        lastChannels = channels;
        append(data, offset, length);
        long frameTicks = Timeline.ticks(h);
        pendingTicks += frameTicks;
        consumedTicks += frameTicks;
        if (pendingTicks >= segmentTicks - frameTicks / 2) {
            cut();
        }
    }

    private void append(byte[] data, int offset, int length) {
        if (pendingBytes + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + length));
        }
        System.arraycopy(data, offset, pending, pendingBytes, length);
        pendingBytes += length;
    }

    private void cut() {
        long date = anchorWallMillis + Timeline.millis(pendingStartTicks);
        kept.addLast(new Segment(nextSequence++, pendingDiscontinuity, pendingStartTicks, pendingTicks, date,
                Segment.pack(pendingStartTicks, pending, pendingBytes)));
        pendingBytes = 0;
        pendingTicks = 0;
        while (kept.size() > keptSegments) {
            discontinuitiesDropped += kept.removeFirst().discontinuity() ? 1 : 0;
        }
        publish();
    }

    private void publish() {
        window = Window.of(new ArrayList<>(kept), config.hlsWindowSegments(), discontinuitiesDropped, ended,
                config.hlsTargetDurationSeconds(), uri);
    }

    /** Frames copied out of the ring in one read, back to back. */
    private static final class Frames {
        byte[] data = new byte[8 * 1024];
        int[] ends = new int[64];
        int count;

        void clear() {
            count = 0;
        }

        /** After catching up on many frames, lets the large buffer go: each later read is one frame. */
        void trim() {
            if (data.length > 64 * 1024) {
                data = new byte[8 * 1024];
                ends = new int[64];
            }
            count = 0;
        }

        int start(int i) {
            return i == 0 ? 0 : ends[i - 1];
        }

        void add(byte[] src, int offset, int length) {
            int at = start(count);
            if (at + length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, at + length));
            }
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            System.arraycopy(src, offset, data, at, length);
            ends[count++] = at + length;
        }
    }
}
