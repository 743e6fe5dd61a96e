package io.mp3cast.server;

import io.mp3cast.time.Scheduler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request for a per-request stream, as a route's factory sees it.
 *
 * @param path        the request path without the query
 * @param query       query parameters, decoded, in order
 * @param headers     request headers, names in lower case
 * @param remoteAddress the client's address, {@code host:port}
 * @param clock       the server's scheduler: the clock a paced source of this stream goes by
 *                    ({@code PacedSource.realTime(source, request.clock())}); the server owns it, do not close it
 */
public record StreamRequest(String path, Map<String, List<String>> query, Map<String, String> headers,
                            String remoteAddress, Scheduler clock) {

    public StreamRequest {
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(clock, "clock");
    }

    /** The first value of a query parameter. */
    public Optional<String> param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /**
     * A numeric query parameter, {@code fallback} when absent.
     *
     * @throws IllegalArgumentException naming the parameter when it is not a number in [min, max];
     *                                  the server answers 400 with the message
     */
    public double number(String name, double fallback, double min, double max) {
        Optional<String> v = param(name);
        if (v.isEmpty()) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + v.get() + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(name + ": " + v.get() + " out of range (" + min + "-" + max + ")");
        }
        return d;
    }

    /** A header by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
