package io.mp3cast.server;

import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.hls.HlsSettings;
import java.util.Objects;

/**
 * How a live mount serves its listeners.
 *
 * @param path                 where listeners connect, starting with {@code /} ({@code /stream.mp3}); not
 *                             ending in {@code .m3u8} and not under {@code /hls/}, which are the mount's HLS paths
 * @param name                 {@code icy-name}, shown by radio players
 * @param description          {@code icy-description}
 * @param genre                {@code icy-genre}
 * @param burstMillis          audio a new listener gets at once (default 1000)
 * @param queueMillis          how far behind a listener may fall (frames not yet written plus bytes
 *                             queued in the server) before it is disconnected (default 10000)
 * @param batchMillis          audio gathered into one write per listener; larger batches cost less
 *                             CPU per listener and add latency (default 100; 0 writes every frame)
 * @param icyMetaIntervalBytes audio bytes between ICY metadata blocks (default 16000, as Icecast)
 * @param hls                  how the mount is cut for HLS ({@link HlsSettings#DEFAULT})
 */
public record MountConfig(String path, String name, String description, String genre, int burstMillis,
                          int queueMillis, int batchMillis, int icyMetaIntervalBytes, HlsSettings hls) {

    public MountConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(genre, "genre");
        Objects.requireNonNull(hls, "hls");
        if (!path.startsWith("/") || path.length() < 2 || path.contains("?") || path.contains(" ")) {
            throw new IllegalArgumentException("path not supported: '" + path + "' (like /stream.mp3)");
        }
        if (Hls.owns(path) || (path + "/").equals(Hls.SEGMENT_PREFIX)) {
            throw new IllegalArgumentException("path not supported: '" + path + "' (paths ending in "
                    + Hls.PLAYLIST_SUFFIX + " and under " + Hls.SEGMENT_PREFIX + " are the mounts' HLS playlists and segments)");
        }
        check("burstMillis", burstMillis, 0, 60_000);
        check("queueMillis", queueMillis, 100, 300_000);
        check("batchMillis", batchMillis, 0, 1000);
        check("icyMetaIntervalBytes", icyMetaIntervalBytes, 256, 1 << 20);
    }

    /** A mount at {@code path} with the defaults. */
    public static MountConfig of(String path) {
        return new MountConfig(path, "mp3cast " + path, "live audio from mp3cast", "various", 1000, 10_000, 100, 16000,
                HlsSettings.DEFAULT);
    }

    public MountConfig withName(String newName) {
        return new MountConfig(path, newName, description, genre, burstMillis, queueMillis, batchMillis,
                icyMetaIntervalBytes, hls);
    }

    public MountConfig withDescription(String text) {
        return new MountConfig(path, name, text, genre, burstMillis, queueMillis, batchMillis, icyMetaIntervalBytes,
                hls);
    }

    public MountConfig withGenre(String text) {
        return new MountConfig(path, name, description, text, burstMillis, queueMillis, batchMillis, icyMetaIntervalBytes,
                hls);
    }

    public MountConfig withBurstMillis(int ms) {
        return new MountConfig(path, name, description, genre, ms, queueMillis, batchMillis, icyMetaIntervalBytes,
                hls);
    }

    public MountConfig withQueueMillis(int ms) {
        return new MountConfig(path, name, description, genre, burstMillis, ms, batchMillis, icyMetaIntervalBytes,
                hls);
    }

    public MountConfig withBatchMillis(int ms) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, ms, icyMetaIntervalBytes,
                hls);
    }

    public MountConfig withIcyMetaIntervalBytes(int bytes) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, batchMillis, bytes,
                hls);
    }

    public MountConfig withHls(HlsSettings settings) {
        return new MountConfig(path, name, description, genre, burstMillis, queueMillis, batchMillis,
                icyMetaIntervalBytes, settings);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " not supported: " + value + " (" + min + "-" + max + ")");
        }
    }
}
