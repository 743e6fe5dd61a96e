package io.mp3cast.server.hls;

/**
 * A partial segment of low-latency HLS ({@code EXT-X-PART}): a run of whole frames at the start,
 * middle or end of the segment being made, published as soon as it is complete, laid out as a
 * {@link Segment} is (its own ID3 timestamp tag, then the frames), so a player may start from any
 * part. The segment, once complete, holds the same frames as its parts, under one tag.
 *
 * @param sequence      the media sequence number of the segment it belongs to
 * @param index         its place in that segment, from 0
 * @param startTicks    audio before it, in {@link Timeline} ticks
 * @param durationTicks its audio, in {@link Timeline} ticks
 * @param bytes         the tag and the frames; never modified
 */
record Part(long sequence, int index, long startTicks, long durationTicks, byte[] bytes) {
    long endTicks() {
        return startTicks + durationTicks;
    }
}
