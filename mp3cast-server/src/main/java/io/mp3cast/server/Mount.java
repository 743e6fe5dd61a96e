package io.mp3cast.server;

import io.mp3cast.server.hls.Hls;
import io.mp3cast.server.relay.Relays;
import io.mp3cast.live.FeedState;
import io.mp3cast.live.LiveStream;
import io.mp3cast.live.push.PlayoutState;
import io.mp3cast.live.push.PushFeed;
import io.mp3cast.server.live.LiveMount;
import java.util.List;
import java.util.Optional;

/**
 * A running live mount, as the embedder sees it: what it plays, its listeners, its title. A view:
 * the stream and the feed behind it stay the server's (push audio with {@link Mp3CastServer#push}).
 *
 * <p>Thread-safe.
 */
public final class Mount {
    private final LiveMount mount;
    private final Relays relays;

    Mount(LiveMount mount, Relays relays) {
        this.mount = mount;
        this.relays = relays;
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

    public FeedState feedState() {
        return mount.feed().state();
    }

    /** For a push mount, what it plays: a producer's audio, silence, the fallback, or nothing yet. */
    public Optional<PlayoutState> playoutState() {
        return mount.push().map(PushFeed::playoutState);
    }

    /** Whether a producer is pushing into this mount now. */
    public boolean hasProducer() {
        return mount.push().flatMap(PushFeed::producer).isPresent();
    }

    /** Producers this push mount has admitted so far (0 for a generated mount). */
    public long producersConnected() {
        return mount.push().map(PushFeed::producersConnected).orElse(0L);
    }

    /** How far ahead of real time producers may push into this mount, in milliseconds (0 for a generated mount). */
    public int pushBufferMillis() {
        return mount.push().map(p -> p.settings().bufferMillis()).orElse(0);
    }

    /** Audio pushed and not played yet, in milliseconds (0 for a generated mount). */
    public long bufferedMillis() {
        return mount.push().map(PushFeed::bufferedMillis).orElse(0L);
    }

    /** Audio published so far, in microseconds. */
    public long audioMicros() {
        return mount.stream().publishedMicros();
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

    /** The Icecast servers this mount pushes itself out to ({@code relay-to}), each with its state now. */
    public List<RelayStatus> relays() {
        return relays.targets(path());
    }

    /** Where this mount pulls its audio from, when it is a relay mount ({@code relay:}), with its state now. */
    public Optional<RelayStatus> upstream() {
        return relays.upstream(path());
    }

    /** Sets the title radio players show (ICY {@code StreamTitle}), as Icecast's {@code updinfo} does. */
    public void setTitle(String title) {
        mount.setTitle(title);
    }

    /**
     * Stops the mount's feed: listeners get the frames already published, then the end of their
     * response. The mount stays listed, ended (its HLS playlist says so); one a producer created goes
     * away once it has no listener for the idle time. Idempotent.
     */
    public void stop() {
        mount.stop();
    }

    /** The frames themselves, for this package's tests. */
    LiveStream stream() {
        return mount.stream();
    }

    /** The push feed itself, for this package's tests. */
    Optional<PushFeed> pushFeed() {
        return mount.push();
    }
}
