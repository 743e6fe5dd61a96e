package io.mp3cast.server.relay;

import io.mp3cast.server.RelayStatus;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a relay connection reports, and its reconnect backoff: 1 s after the first failure, doubling
 * to at most 30 s, back to 1 s once a connection is accepted. Written on the relay's event loop,
 * read from any thread (status pages).
 */
final class Link {
    static final long FIRST_DELAY_MILLIS = 1000;
    static final long MAX_DELAY_MILLIS = 30_000;

    enum State { WAITING, CONNECTING, CONNECTED, RETRYING, CLOSED }

    private final String url;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong skippedFrames = new AtomicLong();
    private volatile State state = State.WAITING;
    private volatile long reconnects;
    private volatile String lastError = "";
    private long attempts;
    private long delayMillis = FIRST_DELAY_MILLIS;

    Link(String url) {
        this.url = url;
    }

    String url() {
        return url;
    }

    State state() {
        return state;
    }

    /** A connection attempt starts; every one after the first counts as a reconnect. */
    void connecting() {
        if (attempts++ > 0) {
            reconnects++;
        }
        state = State.CONNECTING;
    }

    /** The other end accepted: audio flows, and the next failure waits the shortest delay again. */
    void connected() {
        state = State.CONNECTED;
        delayMillis = FIRST_DELAY_MILLIS;
    }

    /** The connection failed or ended; returns how long to wait before the next attempt. */
    long failed(String why) {
        lastError = why;
        state = State.RETRYING;
        long delay = delayMillis;
        delayMillis = Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
        return delay;
    }

    /** Not connected and not trying: no audio yet, or (on demand) no listener. */
    void waiting() {
        state = State.WAITING;
    }

    void closed() {
        state = State.CLOSED;
    }

    void addBytes(long n) {
        bytes.addAndGet(n);
    }

    void addSkippedFrames(long n) {
        skippedFrames.addAndGet(n);
    }

    long skippedFrames() {
        return skippedFrames.get();
    }

    RelayStatus status() {
        State s = state;
        return new RelayStatus(url, s.name().toLowerCase(java.util.Locale.ROOT), s == State.CONNECTED, bytes.get(),
                reconnects, lastError, skippedFrames.get());
    }
}
