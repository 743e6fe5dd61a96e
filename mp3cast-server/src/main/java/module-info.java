/**
 * mp3cast's HTTP server on Netty. Its API is {@code io.mp3cast.server} (the server and its builder,
 * the read-only {@code Mount} view, {@code PushWriter}, settings records, routes) and the optional
 * Micrometer binding {@code io.mp3cast.server.metrics}; the feature packages behind them (http,
 * live, ingest, streams, status, web, ops, tls) are not exported.
 */
module io.mp3cast.server {
    requires transitive io.mp3cast.core;
    requires org.slf4j;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.io_uring;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    // The open-file limit sizes the default connection cap (ConnectionLimits).
    requires java.management;
    requires jdk.management;
    // Optional: without Micrometer the server runs with ServerMetrics.NONE.
    requires static micrometer.core;
    requires static micrometer.registry.prometheus;

    exports io.mp3cast.server;
    exports io.mp3cast.server.metrics;

    // The web page's files are read with a class loader, which needs the package open.
    opens io.mp3cast.server.web;
}
