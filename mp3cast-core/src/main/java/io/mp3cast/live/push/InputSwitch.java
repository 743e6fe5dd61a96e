package io.mp3cast.live.push;

import io.mp3cast.live.LiveStream;
import io.mp3cast.live.StreamObserver;
import io.mp3cast.mp3.FrameHeader;
import io.mp3cast.mp3.SilentFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a push stream plays when no producer's audio is due: silence in the stream's format, or
 * the fallback stream's frames as they are published. Remembers the format it must match: PCM
 * (silence is zeros fed to the stream's encoder) or MP3 passed through (silence is a
 * {@link SilentFrame} shaped like the last frame: version, rate, bitrate, channel mode).
 *
 * <p>The fallback is relayed without polling: while relaying, this observes the fallback stream,
 * and its new frames (or its end) wake the play-out. The first relayed frame may lean on a bit
 * reservoir this stream never carried, which decoders play as a short glitch, as on any switch.
 *
 * <p>Threading: the play-out job's; {@link #idleState()} from any thread.
 */
final class InputSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(InputSwitch.class);

    private enum Mode { NONE, ENCODER, PASS_THROUGH }

    private final Supplier<Optional<LiveStream>> fallback;
    private final PcmIngest pcm;
    private final StreamObserver waker;
    private volatile Mode mode = Mode.NONE;
    private final byte[] lastPassedHeader = new byte[FrameHeader.SIZE];
    private byte[] silentFrame;
    private volatile LiveStream relayed;
    private long relayNext;

    /** @param wake wakes the play-out (called on the fallback's publishing thread) */
    InputSwitch(Supplier<Optional<LiveStream>> fallback, PcmIngest pcm, Runnable wake) {
        this.fallback = fallback;
        this.pcm = pcm;
        this.waker = new StreamObserver() {
            @Override
            public void onFrames(LiveStream stream, long head) {
                wake.run();
            }

            @Override
            public void onEnd(LiveStream stream) {
                wake.run();
            }
        };
    }

    /** PCM was encoded: silence is the encoder's. */
    void encoded() {
        mode = Mode.ENCODER;
    }

    /** An MP3 frame was passed through: silence is shaped like it. */
    void passedThrough(byte[] frame) {
        System.arraycopy(frame, 0, lastPassedHeader, 0, FrameHeader.SIZE);
        silentFrame = null;
        mode = Mode.PASS_THROUGH;
    }

    boolean hasFormat() {
        return mode != Mode.NONE;
    }

    /** The fallback to relay now: looked up each time, never {@code self}, never an ended one. */
    Optional<LiveStream> fallback(LiveStream self) {
        return fallback.get().filter(s -> s != self && !s.isEnded());
    }

    /** Publishes into {@code into} the frames {@code fb} gained since the last call; the first call starts at its head. */
    void relay(LiveStream fb, LiveStream into) {
        if (relayed != fb) {
            boolean first = relayed == null;
            stopRelay();
            relayed = fb;
            relayNext = fb.head();
            fb.addObserver(waker);
            if (first) {
                LOG.info("{}: relaying fallback {}", into.name(), fb.name());
            }
        }
        long from = Math.max(relayNext, fb.oldest());
        long to = fb.head();
        if (from >= to) {
            return;
        }
        // Copied out first, so that no two streams' locks are held at once.
        List<byte[]> frames = new ArrayList<>();
        fb.read(from, to, (data, off, len) -> frames.add(Arrays.copyOfRange(data, off, off + len)));
        relayNext = to;
        for (byte[] f : frames) {
            into.publish(f, 0, f.length);
        }
    }

    void stopRelay() {
        LiveStream fb = relayed;
        if (fb != null) {
            fb.removeObserver(waker);
            relayed = null;
        }
    }

    /** Puts silence in the stream's format into {@code out}; false before any format is known. */
    boolean silence(FrameBuffer out) {
        if (mode == Mode.ENCODER && pcm.isOpen()) {
            pcm.silence(out);
            return true;
        }
        if (mode == Mode.PASS_THROUGH) {
            if (silentFrame == null) {
                silentFrame = SilentFrame.like(lastPassedHeader, 0);
            }
            out.add(silentFrame, FrameBuffer.nanosOf(silentFrame, 0));
            return true;
        }
        return false;
    }

    /** What plays while no producer's audio does. */
    PlayoutState idleState() {
        return relayed != null ? PlayoutState.FALLBACK : mode != Mode.NONE ? PlayoutState.SILENCE : PlayoutState.IDLE;
    }
}
