package io.mp3cast.mp3;

/** How a two-channel stream is coded. Mono input is always coded as mono. */
public enum StereoMode {
    /** Mid/side where it saves bits: LAME's default, best for most music. */
    JOINT_STEREO,
    /** Left and right coded independently. */
    STEREO,
    /** Both channels mixed down and coded as one. */
    MONO
}
