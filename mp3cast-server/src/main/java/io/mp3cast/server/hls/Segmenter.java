package io.mp3cast.server.hls;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.Mp3FormatException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one live mount's frames into HLS segments: whole frames of one format, each segment within
 * half a frame of {@link HlsSettings#segmentMillis()}, cut early where the sample rate or the
 * channel count changes (the next segment then carries a discontinuity). Timestamps count the audio
 * consumed, so they run on across source changes, silence and fallback alike.
 *
 * <p>With low-latency HLS ({@link HlsSettings#lowLatency()}) each segment is also cut into parts
 * as it is made: a whole segment's frames split evenly into about {@code segmentMillis / partMillis}
 * runs, each published the moment its last frame arrives. {@code PART-TARGET} is the longest part
 * of the format first seen (longer ones after a format change raise it). Requests for what is not
 * made yet wait for it: {@link #await}.
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
    final HlsSettings settings;
    final String token;
    final LongAdder playlistRequests = new LongAdder();
    final LongAdder segmentRequests = new LongAdder();
    final LongAdder partRequests = new LongAdder();
    private final long segmentTicks;
    private final int keptSegments;
    private final Window.Uris uris;
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
    // Parts (low-latency HLS only), guarded by this.
    private final ArrayDeque<Part> parts = new ArrayDeque<>();
    private long partTargetTicks;
    /** Where the part being made starts in {@code pending}, and its audio; it started at {@code consumedTicks - partTicks}. */
    private int partOffset;
    private long partTicks;
    /** Parts made of the segment being made. */
    private int partsMade;
    private int[] partEnds = new int[0];
    private int segmentFrames;
    private final List<Waiter> waiters = new ArrayList<>();

    private Segmenter(String mountPath, HlsSettings settings, String token, Window.Uris uris) {
        this.mountPath = mountPath;
        this.settings = settings;
        this.token = token;
        this.uris = uris;
        this.segmentTicks = Timeline.ticksOfMillis(settings.segmentMillis());
        // RFC 8216 6.2.2: a segment stays available for its own duration plus the playlist's after it leaves the playlist.
        this.keptSegments = 2 * settings.windowSegments() + 1;
        this.partTargetTicks = Timeline.ticksOfMillis(settings.partMillis());
        this.window = Window.of(List.of(), 0, false, List.of(), 0, false, layout());
    }

    /** A segmenter following {@code stream} from the oldest frames it holds. */
    static Segmenter attach(LiveStream stream, HlsSettings settings, String token, Window.Uris uris) {
        Segmenter s = new Segmenter(stream.name(), settings, token, uris);
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
     * Runs {@code then} once segment {@code msn} is complete, or its part {@code part} made (-1: the
     * whole segment), or the stream ended, whichever comes first: at once if so already, else on the
     * publisher's thread, so it must only hand over. {@link #forget} drops it unrun.
     */
    synchronized Waiter await(long msn, int part, Runnable then) {
        Waiter w = new Waiter(msn, part, then);  // a record, but its Runnable makes each one distinct
        if (ended || window.reached(msn, part)) {
            then.run();
        } else {
            waiters.add(w);
        }
        return w;
    }

    synchronized void forget(Waiter w) {
        waiters.remove(w);
    }

    /** A request waiting for a segment or part not made yet. */
    record Waiter(long msn, int part, Runnable then) {}

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
        long frameTicks = Timeline.ticks(h);
        if (pendingBytes == 0) {
            pendingStartTicks = consumedTicks;
            pendingDiscontinuity = changed;
            planParts(frameTicks);
        }
        lastRateHz = rate;
        lastChannels = channels;
        append(data, offset, length);
        pendingTicks += frameTicks;
        consumedTicks += frameTicks;
        partTicks += frameTicks;
        segmentFrames++;
        if (pendingTicks >= segmentTicks - frameTicks / 2) {
            cut();
        } else if (settings.lowLatency() && partsMade < partEnds.length && segmentFrames == partEnds[partsMade]) {
            cutPart();
            publish();
        }
    }

    /**
     * Plans the parts of the segment starting now, in a format whose frames last {@code frameTicks}:
     * its frames (as many as {@link #consume} will take before cutting it) split evenly into about
     * {@code segmentMillis / partMillis} parts; part {@code i} ends after frame {@code partEnds[i]}.
     */
    private void planParts(long frameTicks) {
        partOffset = 0;
        partTicks = 0;
        partsMade = 0;
        segmentFrames = 0;
        if (!settings.lowLatency()) {
            return;
        }
        int frames = (int) ((segmentTicks - frameTicks / 2 + frameTicks - 1) / frameTicks);
        int count = Math.max(1, Math.min(frames, Math.round(settings.segmentMillis() / (float) settings.partMillis())));
        partEnds = new int[count];
        long longest = 0;
        for (int i = 0; i < count; i++) {
            partEnds[i] = (int) (((long) (i + 1) * frames * 2 + count) / (2L * count));
            longest = Math.max(longest, (partEnds[i] - (i == 0 ? 0 : partEnds[i - 1])) * frameTicks);
        }
        if (longest > partTargetTicks || parts.isEmpty() && kept.isEmpty()) {
            if (!parts.isEmpty() || !kept.isEmpty()) {
                LOG.info("{}: HLS parts of up to {} ms in this format: PART-TARGET raised", mountPath,
                        Timeline.millis(longest));
            }
            partTargetTicks = longest;
        }
    }

    private void cutPart() {
        long startTicks = consumedTicks - partTicks;
        parts.addLast(new Part(nextSequence, partsMade++, startTicks, partTicks,
                Segment.pack(startTicks, pending, partOffset, pendingBytes - partOffset)));
        partOffset = pendingBytes;
        partTicks = 0;
    }

    private void append(byte[] data, int offset, int length) {
        if (pendingBytes + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + length));
        }
        System.arraycopy(data, offset, pending, pendingBytes, length);
        pendingBytes += length;
    }

    private void cut() {
        if (settings.lowLatency() && partTicks > 0) {
            cutPart();
        }
        long date = anchorWallMillis + Timeline.millis(pendingStartTicks);
        kept.addLast(new Segment(nextSequence++, pendingDiscontinuity, pendingStartTicks, pendingTicks, date,
                Segment.pack(pendingStartTicks, pending, 0, pendingBytes)));
        pendingBytes = 0;
        pendingTicks = 0;
        partTicks = 0;
        while (kept.size() > keptSegments) {
            discontinuitiesDropped += kept.removeFirst().discontinuity() ? 1 : 0;
        }
        publish();
    }

    /**
     * Replaces the window, then answers the requests it satisfies. Parts are kept for twice as long
     * as the playlist lists them, and only while their segment is kept.
     */
    private void publish() {
        long partsFrom = consumedTicks - 2 * layout().partsListedTicks();
        long oldestKept = kept.isEmpty() ? nextSequence : kept.peekFirst().sequence();
        while (!parts.isEmpty() && (parts.peekFirst().startTicks() < partsFrom || parts.peekFirst().sequence() < oldestKept)) {
            parts.removeFirst();
        }
        Window w = Window.of(new ArrayList<>(kept), discontinuitiesDropped, ended, new ArrayList<>(parts), nextSequence,
                pendingBytes > 0 && pendingDiscontinuity, layout());
        window = w;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (ended || w.reached(waiter.msn(), waiter.part())) {
                it.remove();
                waiter.then().run();
            }
        }
    }

    private Window.Layout layout() {
        return new Window.Layout(settings, partTargetTicks, uris);
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
