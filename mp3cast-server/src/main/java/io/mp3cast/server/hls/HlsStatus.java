package io.mp3cast.server.hls;

/**
 * A mount's HLS window, as {@code /status.json} shows it.
 *
 * @param playlist              the playlist's path
 * @param partMillis            low-latency HLS parts' length setting (0: none)
 * @param started               whether the mount is segmented yet (from the first HLS request on)
 * @param mediaSequence         the playlist's first segment ({@code EXT-X-MEDIA-SEQUENCE})
 * @param segments              segments the playlist lists
 * @param windowSeconds         their audio
 * @param keptSegments          segments that can be fetched (the window and the grace after it)
 * @param playlistRequests      playlists served
 * @param segmentRequests       segments served
 * @param partRequests          low-latency parts served
 */
public record HlsStatus(String playlist, int segmentMillis, int windowSegments, int targetDurationSeconds,
                        int partMillis, boolean started, long mediaSequence, int segments, double windowSeconds,
                        int keptSegments, long playlistRequests, long segmentRequests, long partRequests) {}
