package io.mp3cast.server;

/**
 * One relay's state, as {@code /status.json} shows it: a {@code relay-to} target the mount pushes
 * to, or the upstream a relay mount pulls from.
 *
 * @param url        the other end, without its password
 * @param state      {@code waiting} (for the mount's first audio, or, on demand, for a listener),
 *                   {@code connecting}, {@code connected} or {@code retrying}
 * @param connected  whether audio flows now
 * @param bytes      MP3 bytes sent to the target, or received from the upstream, over all connections
 * @param reconnects connection attempts after the first
 * @param lastError  why the last connection failed or ended, or empty
 * @param skippedFrames frames a slow target missed (relay-to only): they were dropped, never waited for
 */
public record RelayStatus(String url, String state, boolean connected, long bytes, long reconnects, String lastError,
                          long skippedFrames) {}
