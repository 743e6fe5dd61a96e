package io.mp3cast.mp3;

/** The channel mode field of an MP3 frame header, in header bit order. */
public enum ChannelMode {
    STEREO, JOINT_STEREO, DUAL_CHANNEL, MONO;

    public int channels() {
        return this == MONO ? 1 : 2;
    }
}
