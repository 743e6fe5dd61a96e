package io.mp3cast.server;

import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.live.LiveMount;
import io.mp3cast.live.FeedState;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.push.PushFeed;
import java.util.Optional;

/**
 * A running live mount, as the embedder sees it: its stream, its listeners, its title.
 *
 * <p>Thread-safe.
 */
public final class Mount {
    private final LiveMount mount;

    Mount(LiveMount mount) {
        this.mount = mount;
    }

    public String path() {
        return mount.config().path();
    }

    public MountConfig config() {
        return mount.config();
    }

    /** Where HLS players find this mount: {@code /stream.m3u8} for {@code /stream.mp3}. */
    public String hlsPlaylistPath() {
        return Hls.playlistPath(path());
    }

    /** The frames of this mount: publish into it only if its feed does not. */
    public LiveStream stream() {
        return mount.stream();
    }

    public FeedState feedState() {
        return mount.feed().state();
    }

    /**
     * The push feed when sources feed this mount: its source state, buffer and connected source.
     * An embedder may push into it too ({@link PushFeed#connect}), as a network source would.
     */
    public Optional<PushFeed> pushFeed() {
        return mount.push();
    }

    /** What feeds the mount, as status pages show it: {@code "tone 440 Hz"}, {@code "push: ..."}. */
    public String feedDescription() {
        return mount.feed().description();
    }

    public int listeners() {
        return mount.listeners();
    }

    /** Audio bytes written to listeners so far. */
    public long bytesSent() {
        return mount.bytesSent();
    }

    public String title() {
        return mount.title();
    }

    /**
     * Stops the mount's feed: listeners get the frames already published, then the end of their
     * response, and later listeners get only what is left in the ring. Idempotent.
     */
    public void stop() {
        mount.stop();
    }

    /** Sets the title radio players show (ICY {@code StreamTitle}), as Icecast's {@code updinfo} does. */
    public void setTitle(String title) {
        mount.setTitle(title);
    }
}
