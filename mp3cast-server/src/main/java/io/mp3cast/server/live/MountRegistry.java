package io.mp3cast.server.live;

import io.mp3cast.live.push.PushFeed;
import io.mp3cast.live.push.PushSettings;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.server.ServerMetrics;
import io.mp3cast.server.ingest.IngestContext;
import io.mp3cast.time.Scheduler;
import io.netty.buffer.ByteBufAllocator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live mounts by path, in the order they were added, and the one place that adds and removes
 * them: those configured at start (kept until the server stops), those producers create, and
 * their removal (a first producer refused, an embedder's call, a producer-created mount idle for
 * {@code idleMountMillis}, the server stopping). Readers (every request, status pages) get an
 * immutable snapshot without locking; changes copy the map under a lock, which is rare.
 *
 * <p>A mount is started when it is added to a started registry; those added before
 * {@link #start()} (the configured ones, before the server binds) start there. A removed mount is
 * stopped: its listeners get what was published, then the end of their response.
 */
public final class MountRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(MountRegistry.class);

    private final IngestContext ingest;
    private final Scheduler scheduler;
    private final ServerMetrics metrics;
    private volatile Map<String, LiveMount> snapshot = Map.of();
    private boolean started;
    private boolean closed;
    private volatile Consumer<LiveMount> onAdded = m -> { };
    private volatile Consumer<LiveMount> onRemoved = m -> { };

    /** What {@link #create} did. */
    public enum Created { CREATED, EXISTS, LIMIT_REACHED, CLOSED }

    /** What {@link #create} did, and the mount at the path when there is one. */
    public record Creation(Created result, Optional<LiveMount> mount) {}

    public MountRegistry(IngestContext ingest, Scheduler scheduler, ServerMetrics metrics) {
        this.ingest = ingest;
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    public Map<String, LiveMount> snapshot() {
        return snapshot;
    }

    public Optional<LiveMount> get(String path) {
        return Optional.ofNullable(snapshot.get(path));
    }

    /** Told of every mount added from now on, and of every one removed (not of those {@link #close()} stops). */
    public void onChange(Consumer<LiveMount> added, Consumer<LiveMount> removed) {
        this.onAdded = added;
        this.onRemoved = removed;
    }

    public int maxMounts() {
        return ingest.settings().maxMounts();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Adds a configured mount: one {@code factory} makes; kept until the server stops. */
    public synchronized Created add(String path, Supplier<LiveMount> factory) {
        return create(path, factory, false).result();
    }

    /**
     * The settings of a mount a producer creates at {@code path}: the defaults for such mounts.
     *
     * @throws IllegalArgumentException when {@code path} cannot be a mount (reserved, malformed)
     */
    public MountConfig producerMountConfig(String path) {
        MountConfig d = ingest.mountDefaults();
        return new MountConfig(path, "mp3cast " + path, d.description(), d.genre(), d.burstMillis(),
                d.queueMillis(), d.batchMillis(), d.icyMetaIntervalBytes(), d.hls());
    }

    /**
     * Adds a push mount for a producer, encoding with {@code encoder}, unless one is at its path; it
     * goes away once it has had no producer and no listener for the idle time.
     */
    public Creation createForProducer(MountConfig config, EncoderSettings encoder) {
        return create(config.path(), () -> newPushMount(config, encoder, ingest.settings().fallbackMount()), true);
    }

    /** A push mount, not added yet, relaying {@code fallbackPath} (if not null) while it has no producer. */
    public LiveMount newPushMount(MountConfig config, EncoderSettings encoder, String fallbackPath) {
        // Listeners get batches of batchMillis anyway: publishing a batch's frames per wake-up adds no delay.
        PushSettings settings = new PushSettings(ingest.settings().bufferMillis(), PushSettings.DEFAULT.underrunGraceMillis(),
                Math.min(config.batchMillis(), PushSettings.MAX_PUBLISH_STEP_MILLIS));
        PushFeed feed = new PushFeed(encoder, settings, scheduler,
                () -> fallbackPath == null ? Optional.empty() : get(fallbackPath).map(LiveMount::stream));
        return new LiveMount(config, feed, metrics, ByteBufAllocator.DEFAULT, fallbackPath);
    }

    private synchronized Creation create(String path, Supplier<LiveMount> factory, boolean byProducer) {
        if (closed) {
            return new Creation(Created.CLOSED, Optional.empty());
        }
        LiveMount existing = snapshot.get(path);
        if (existing != null) {
            return new Creation(Created.EXISTS, Optional.of(existing));
        }
        if (snapshot.size() >= ingest.settings().maxMounts()) {
            return new Creation(Created.LIMIT_REACHED, Optional.empty());
        }
        LiveMount mount = factory.get();
        mount.fallbackOfOthers(() -> snapshot.values().stream().anyMatch(m -> path.equals(m.fallbackPath())));
        Map<String, LiveMount> next = new LinkedHashMap<>(snapshot);
        next.put(path, mount);
        snapshot = Collections.unmodifiableMap(next);
        onAdded.accept(mount);
        if (started) {
            mount.start();
        }
        if (byProducer) {
            IdleMount.watch(this, mount, scheduler, ingest.settings().idleMountMillis());
        }
        wakeFallbackUsers(path);
        if (mount.fallbackPath() != null) {  // now in the snapshot: its fallback, if standing by, is wanted again
            get(mount.fallbackPath()).ifPresent(LiveMount::demandMayHaveChanged);
        }
        return new Creation(Created.CREATED, Optional.of(mount));
    }

    /** Push mounts whose fallback is {@code path} look again: it is there now. */
    private void wakeFallbackUsers(String path) {
        for (LiveMount m : snapshot.values()) {
            if (path.equals(m.fallbackPath())) {
                m.push().ifPresent(PushFeed::fallbackMayHaveChanged);
            }
        }
    }

    /** Starts the mounts added so far (the server is listening); later ones start as they are added. */
    public synchronized void start() {
        started = true;
        snapshot.values().forEach(LiveMount::start);
    }

    /** Removes {@code mount} from {@code path} if it is still there, and stops it; whether it did. */
    public boolean remove(String path, LiveMount mount, String why) {
        synchronized (this) {
            if (snapshot.get(path) != mount) {
                return false;
            }
            Map<String, LiveMount> next = new LinkedHashMap<>(snapshot);
            next.remove(path);
            snapshot = Collections.unmodifiableMap(next);
        }
        onRemoved.accept(mount);
        mount.stop();
        LOG.info("{}: removed: {}", path, why);
        return true;
    }

    /** No mount is added after this; every mount is stopped. Returns at once. */
    public void close() {
        Map<String, LiveMount> all;
        synchronized (this) {
            closed = true;
            all = snapshot;
        }
        all.values().forEach(LiveMount::stop);
    }
}
