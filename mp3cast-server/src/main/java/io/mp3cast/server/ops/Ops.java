package io.mp3cast.server.ops;

import io.netty.channel.group.ChannelGroup;

/**
 * What operating the server needs beside serving: health flags, the access log, and every open
 * connection (for a graceful stop).
 *
 * @param channels every accepted connection until it closes
 * @param tally    connections counted since start
 */
public record Ops(Health health, AccessLog accessLog, ChannelGroup channels, Tally tally) {}
