package io.mp3cast.server.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which mount each push mount relays while no source feeds it, and the cycles that would make:
 * when {@code /a} falls back to {@code /b} and {@code /b} to {@code /a}, neither has anything to
 * relay and their listeners hear nothing. A cycle among configured mounts is refused at start
 * ({@link #checkConfigured}); one that a source would close by creating a mount is refused when the
 * source arrives ({@link #cycleIfCreated}). Either way the message names the cycle. A mount that
 * would relay itself relays nothing and plays silence, as its feed skips itself: not a cycle.
 *
 * <p>Immutable; thread-safe.
 */
public final class FallbackChains {
    private final Map<String, String> configured;
    private final String global;

    /**
     * @param configured each configured push mount and its own fallback (null: the global one)
     * @param global     the fallback of every other push mount (those sources create); null for none
     */
    public FallbackChains(Map<String, String> configured, String global) {
        this.configured = new LinkedHashMap<>(configured);
        this.global = global;
    }

    /** No push mounts configured, no global fallback. */
    public static FallbackChains none() {
        return new FallbackChains(Map.of(), null);
    }

    /** The mount that the push mount at {@code path} relays, or null when it relays none (or only itself). */
    String fallbackOf(String path) {
        String f = configured.containsKey(path) && configured.get(path) != null ? configured.get(path) : global;
        return path.equals(f) ? null : f;
    }

    /** Throws {@link IllegalArgumentException} naming the first cycle among the configured push mounts. */
    public void checkConfigured() {
        for (String path : configured.keySet()) {
            cycleFrom(path, configured::containsKey).ifPresent(cycle -> {
                throw new IllegalArgumentException(describe(cycle));
            });
        }
    }

    /**
     * The cycle a push mount created at {@code path} would close, through the push mounts that
     * exist ({@code isPushMount}); empty when it closes none.
     */
    Optional<List<String>> cycleIfCreated(String path, Predicate<String> isPushMount) {
        return cycleFrom(path, p -> p.equals(path) || isPushMount.test(p));
    }

    private Optional<List<String>> cycleFrom(String start, Predicate<String> isPushMount) {
        List<String> chain = new ArrayList<>(List.of(start));
        String next = fallbackOf(start);
        while (next != null && isPushMount.test(next)) {
            if (next.equals(start)) {
                chain.add(next);
                return Optional.of(chain);
            }
            if (chain.contains(next)) {
                return Optional.empty();  // a loop that does not pass through start: found from its own members
            }
            chain.add(next);
            next = fallbackOf(next);
        }
        return Optional.empty();
    }

    /** {@code fallback cycle: /a -> /b -> /a (...)}. */
    static String describe(List<String> cycle) {
        return "fallback cycle: " + String.join(" -> ", cycle) + " (each relays the next while it has no source,"
                + " so none of them would ever play anything: point one of them elsewhere, or at no fallback)";
    }
}
