package io.mp3cast.server.relay;

import io.mp3cast.server.RelayStatus;
import io.mp3cast.server.RelayTarget;
import io.mp3cast.server.Upstream;
import io.mp3cast.server.live.LiveMount;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's relays: mounts pushing themselves out to Icecast servers ({@code relay-to},
 * {@link IcecastSource}) and relay mounts pulling an upstream ({@code relay:}, {@link UpstreamPull}).
 * Planned while the server is built (TLS trust loaded then, so a bad {@code ca} file stops the
 * start), started once it listens (on its event loops), stopped before its mounts. Status pages read
 * it from any thread.
 */
public final class Relays {
    private final Map<String, List<RelayTarget>> relayTo;
    private final Map<String, Upstream> upstreams;
    /** Per CA file (null: the JDK's CAs), the TLS of the relays that trust it. */
    private final Map<Path, ClientTls> tls = new HashMap<>();
    private volatile Map<String, List<IcecastSource>> sources = Map.of();
    private volatile Map<String, UpstreamPull> pulls = Map.of();

    /**
     * @param relayTo   per mount path, the targets it pushes to
     * @param upstreams per relay mount path, where it pulls from
     * @throws IllegalArgumentException naming a {@code ca} file that does not load
     */
    public Relays(Map<String, List<RelayTarget>> relayTo, Map<String, Upstream> upstreams) {
        this.relayTo = Map.copyOf(relayTo);
        this.upstreams = Map.copyOf(upstreams);
        // Any upstream may redirect to https; a relay-to target speaks TLS only when it says so.
        upstreams.values().forEach(u -> tls(u.caFile()));
        relayTo.values().forEach(targets -> targets.stream().filter(RelayTarget::tls).forEach(t -> tls(t.caFile())));
    }

    private ClientTls tls(Path caFile) {
        return tls.computeIfAbsent(caFile, ClientTls::trusting);
    }

    /** None at all. */
    public static Relays none() {
        return new Relays(Map.of(), Map.of());
    }

    /** Starts every relay of {@code mounts} on {@code group}'s loops, each on one loop. */
    public void start(Map<String, LiveMount> mounts, EventLoopGroup group, Class<? extends Channel> channelType) {
        Map<String, UpstreamPull> startedPulls = new LinkedHashMap<>();
        upstreams.forEach((path, upstream) -> startedPulls.put(path,
                new UpstreamPull(mounts.get(path), upstream, tls(upstream.caFile()), group.next(), channelType)));
        Map<String, List<IcecastSource>> startedSources = new LinkedHashMap<>();
        relayTo.forEach((path, targets) -> {
            List<IcecastSource> list = new ArrayList<>();
            targets.forEach(t -> list.add(new IcecastSource(mounts.get(path), t, t.tls() ? tls(t.caFile()) : null,
                    group.next(), channelType)));
            startedSources.put(path, List.copyOf(list));
        });
        pulls = Map.copyOf(startedPulls);
        sources = Map.copyOf(startedSources);
        pulls.values().forEach(UpstreamPull::start);
        sources.values().forEach(l -> l.forEach(IcecastSource::start));
    }

    /** The {@code relay-to} targets of the mount at {@code path}, in the order given. */
    public List<RelayStatus> targets(String path) {
        List<RelayStatus> all = new ArrayList<>();
        sources.getOrDefault(path, List.of()).forEach(s -> all.add(s.status()));
        return all;
    }

    /** Where the mount at {@code path} pulls from, when it is a relay mount. */
    public Optional<RelayStatus> upstream(String path) {
        return Optional.ofNullable(pulls.get(path)).map(UpstreamPull::status);
    }

    /** Stops pulling upstreams (a draining server): relay mounts play out what they have, then end. */
    public void closeUpstreams() {
        pulls.values().forEach(UpstreamPull::close);
    }

    /** Stops every relay; the mounts go on until the server stops them. Idempotent. */
    public void close() {
        sources.values().forEach(l -> l.forEach(IcecastSource::close));
        closeUpstreams();
    }
}
