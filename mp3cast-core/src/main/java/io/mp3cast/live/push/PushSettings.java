package io.mp3cast.live.push;

import io.mp3cast.live.LiveStreamSettings;
import io.mp3cast.live.PacedSourceFeed;

/**
 * How a {@link PushFeed} buffers pushed audio.
 *
 * @param bufferMillis        audio a source may push ahead of real time before its writes report
 *                            no room (and a network source stops being read); the feed's memory
 *                            bound, about this much audio as MP3 frames
 * @param underrunGraceMillis how long a connected source that has run dry may keep the stream
 *                            waiting before silence fills in, so network jitter does not cut
 *                            silence into a source's audio; the stream then catches up at once
 * @param publishStepMillis   how much audio falls due before the play-out wakes to publish it: 0 wakes
 *                            for every frame; a server whose listeners get batches of {@code batchMillis}
 *                            anyway sets that (up to {@link #MAX_PUBLISH_STEP_MILLIS}) and saves the wake-ups
 */
public record PushSettings(int bufferMillis, int underrunGraceMillis, int publishStepMillis) {
    /** The longest {@link #publishStepMillis()}. */
    public static final int MAX_PUBLISH_STEP_MILLIS = 200;
    public static final PushSettings DEFAULT = new PushSettings(10_000, 500, 0);

    /** Settings that publish every frame when it is due. */
    public PushSettings(int bufferMillis, int underrunGraceMillis) {
        this(bufferMillis, underrunGraceMillis, 0);
    }

    public PushSettings {
        if (bufferMillis < 100 || bufferMillis > LiveStreamSettings.MAX_RETAIN_MILLIS) {
            throw new IllegalArgumentException("bufferMillis not supported: " + bufferMillis
                    + " (100-" + LiveStreamSettings.MAX_RETAIN_MILLIS + ")");
        }
        if (underrunGraceMillis < 0 || underrunGraceMillis > PacedSourceFeed.MAX_CATCH_UP_MILLIS) {
            throw new IllegalArgumentException("underrunGraceMillis not supported: " + underrunGraceMillis
                    + " (0-" + PacedSourceFeed.MAX_CATCH_UP_MILLIS + ")");
        }
        if (publishStepMillis < 0 || publishStepMillis > MAX_PUBLISH_STEP_MILLIS) {
            throw new IllegalArgumentException("publishStepMillis not supported: " + publishStepMillis
                    + " (0-" + MAX_PUBLISH_STEP_MILLIS + ")");
        }
    }

    public PushSettings withBufferMillis(int ms) {
        return new PushSettings(ms, underrunGraceMillis, publishStepMillis);
    }

    public PushSettings withUnderrunGraceMillis(int ms) {
        return new PushSettings(bufferMillis, ms, publishStepMillis);
    }

    public PushSettings withPublishStepMillis(int ms) {
        return new PushSettings(bufferMillis, underrunGraceMillis, ms);
    }
}
