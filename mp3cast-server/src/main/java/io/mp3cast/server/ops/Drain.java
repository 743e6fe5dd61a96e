package io.mp3cast.server.ops;

/**
 * The user event fired down every connection's pipeline when the server starts a graceful stop.
 * A source's handler stops reading, closes its source and answers once the mount's buffer has
 * played out; per-request streams and listeners carry on until the server ends them.
 */
public enum Drain {
    START
}
