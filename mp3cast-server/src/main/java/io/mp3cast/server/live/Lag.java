package io.mp3cast.server.live;

import io.mp3cast.live.LiveStream;

/**
 * What every listener's lag check needs about one batch, taken once per batch and event loop rather
 * than once per listener (each read takes the stream's lock, and the bitrate came wrapped in an
 * Optional): the oldest frame kept, how far the batch's first frame is behind the head, the bitrate.
 *
 * @param oldest           the oldest frame the stream still keeps
 * @param from             the batch's first frame
 * @param fromMicrosBehind audio between {@code from} and the head, in microseconds
 * @param bitrateKbps      the stream's bitrate, to turn bytes queued into time
 */
record Lag(long oldest, long from, long fromMicrosBehind, int bitrateKbps) {

    static Lag at(LiveStream stream, long from, int bitrateKbps) {
        return new Lag(stream.oldest(), from, microsBehind(stream, from), bitrateKbps);
    }

    /** Audio between {@code seq} and the head, or {@code Long.MAX_VALUE} once {@code seq} is no longer kept. */
    static long microsBehind(LiveStream stream, long seq) {
        try {
            return stream.microsBehind(seq);
        } catch (IllegalArgumentException e) {
            return Long.MAX_VALUE;  // the ring moved past it since the caller looked
        }
    }
}
