package io.mp3cast.server.live;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live mounts by path, in the order they were added: those configured at start, then those
 * that sources created. Readers (every request, status pages) get an immutable snapshot without
 * locking; additions copy the map under a lock, which is rare.
 */
public final class MountRegistry {
    private final int maxMounts;
    private volatile Map<String, LiveMount> snapshot;
    private boolean closed;
    private volatile Consumer<LiveMount> onAdded = m -> { };
    private volatile Consumer<LiveMount> onRemoved = m -> { };

    /** What {@link #create} did. */
    public enum Created { CREATED, EXISTS, LIMIT_REACHED, CLOSED }

    public MountRegistry(int maxMounts) {
        this.maxMounts = maxMounts;
        this.snapshot = Map.of();
    }

    public Map<String, LiveMount> snapshot() {
        return snapshot;
    }

    public Optional<LiveMount> get(String path) {
        return Optional.ofNullable(snapshot.get(path));
    }

    /** Told of every mount added from now on, and of every one removed (not of those a close returns). */
    public void onChange(Consumer<LiveMount> added, Consumer<LiveMount> removed) {
        this.onAdded = added;
        this.onRemoved = removed;
    }

    public int maxMounts() {
        return maxMounts;
    }

    /**
     * Adds the mount {@code factory} makes at {@code path}, unless one is there, the limit is
     * reached or the server is closing; a mount added here is started by the caller.
     */
    public synchronized Created create(String path, Supplier<LiveMount> factory) {
        if (closed) {
            return Created.CLOSED;
        }
        if (snapshot.containsKey(path)) {
            return Created.EXISTS;
        }
        if (snapshot.size() >= maxMounts) {
            return Created.LIMIT_REACHED;
        }
        Map<String, LiveMount> next = new LinkedHashMap<>(snapshot);
        LiveMount made = factory.get();
        next.put(path, made);
        snapshot = Collections.unmodifiableMap(next);
        onAdded.accept(made);
        return Created.CREATED;
    }

    /** Removes {@code mount} from {@code path} if it is still there; the caller stops it. */
    public synchronized boolean remove(String path, LiveMount mount) {
        if (snapshot.get(path) != mount) {
            return false;
        }
        Map<String, LiveMount> next = new LinkedHashMap<>(snapshot);
        next.remove(path);
        snapshot = Collections.unmodifiableMap(next);
        onRemoved.accept(mount);
        return true;
    }

    /** No mount is added after this; returns the mounts to stop. */
    public synchronized Map<String, LiveMount> close() {
        closed = true;
        return snapshot;
    }
}
