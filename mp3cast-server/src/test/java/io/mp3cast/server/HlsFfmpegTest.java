package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.source.AudioSources;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg, as a player that knows nothing of mp3cast, plays a live mount's playlist:
 * {@code ffmpeg -i http://127.0.0.1:PORT/stream.m3u8 -t 20 -f null -} decodes 20 s with no decoding
 * error, and after the segments it found waiting at the start, its audio grows as fast as the wall clock.
 *
 * <p>One message is not a decoding error and is let through: ffmpeg 5.1's HLS demuxer applies a
 * segment's ID3 timestamp when its reader reaches the tag, while its MP3 parser still holds a few
 * frames (it reads 1024-byte packets), so at a segment boundary its own timestamps may step back a
 * few frames and its muxer says "non monotonically increasing dts". ffprobe shows the steps land
 * anywhere from 1 frame before to 4 frames after the boundary; HlsSegmentsTest checks the
 * timestamps mp3cast writes. The audio is counted as it leaves the decoder ({@code astats}).
 * Skipped without ffmpeg; fails without it when {@code CI} is set.
 */
class HlsFfmpegTest {
    private static final int RATE = 24000;
    private static final Pattern SAMPLES = Pattern.compile("Number of samples: (\\d+)");
    private static final String FFMPEG_OWN_TIMESTAMPS = "Application provided invalid, non monotonically increasing dts";

    /** When ffmpeg had how much audio out: wall seconds since it started, audio seconds. */
    private record Point(double wallSeconds, double audioSeconds) {}

    @Test
    void ffmpegDecodes20SecondsOfTheLivePlaylistWithNoErrorAtTheWallClocksPace() throws Exception {
        String ffmpeg = Tools.require("ffmpeg", "ffmpeg");
        try (Mp3CastServer server = Mp3CastServer.builder().host("127.0.0.1").port(0)
                .mount(MountConfig.of("/stream.mp3"), AudioSources.tone(RATE, 440), EncoderSettings.cbr(64), "tone")
                .start()) {
            // Three segments to start from, as a player joining a mount that has been up for a while.
            ServerFixture.awaitAudio(server.mount("/stream.mp3").stream(), 6_500_000);
            Path err = Files.createTempFile("mp3cast-ffmpeg-", ".err");
            try {
                Process p = new ProcessBuilder(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "level+info",
                        "-i", "http://127.0.0.1:" + server.port() + "/stream.m3u8", "-t", "20",
                        "-af", "astats=measure_perchannel=none:measure_overall=Number_of_samples",
                        "-progress", "pipe:1", "-stats_period", "0.5", "-f", "null", "-")
                        .redirectError(err.toFile()).start();
                List<Point> points = readProgress(p.getInputStream(), System.nanoTime());
                if (!p.waitFor(Tools.HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                List<String> log = Files.readAllLines(err, StandardCharsets.UTF_8);
                List<String> errors = log.stream().filter(l -> l.contains("[error]") || l.contains("[fatal]")
                        || l.contains("[panic]")).filter(l -> !l.contains(FFMPEG_OWN_TIMESTAMPS)).toList();
                Matcher samples = SAMPLES.matcher(String.join("\n", log));

                assertThat(p.exitValue()).as(String.join("\n", log)).isZero();
                assertThat(errors).as("ffmpeg's errors").isEmpty();
                assertThat(log.stream().filter(l -> l.contains("[warning]"))).as("ffmpeg's warnings").isEmpty();
                assertThat(samples.find()).as("astats's sample count in:%n%s", String.join("\n", log)).isTrue();
                assertThat(Long.parseLong(samples.group(1)) / (double) RATE).as("audio decoded, s").isBetween(19.9, 20.1);
                assertThat(points.get(points.size() - 1).audioSeconds()).as("ffmpeg's time at the end").isEqualTo(20.0);
                assertThat(paceAfter(points, 8.0)).as("audio per wall second once the start-up segments are in")
                        .isBetween(0.9, 1.1);
            } finally {
                Files.deleteIfExists(err);
            }
        }
    }

    /** Reads ffmpeg's progress reports to their end, noting the wall time of each. */
    private static List<Point> readProgress(InputStream in, long startNanos) throws IOException {
        List<Point> points = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("out_time_us=") && !line.endsWith("N/A")) {
                points.add(new Point((System.nanoTime() - startNanos) / 1e9, Long.parseLong(line.substring(12)) / 1e6));
            }
        }
        return points;
    }
    /** The least-squares slope of audio over wall time, from the point where {@code audioSeconds} were in. */
    private static double paceAfter(List<Point> points, double audioSeconds) {
        List<Point> tail = points.stream().filter(p -> p.audioSeconds() >= audioSeconds).toList();
        double mw = tail.stream().mapToDouble(Point::wallSeconds).average().orElseThrow();
        double ma = tail.stream().mapToDouble(Point::audioSeconds).average().orElseThrow();
        double cov = 0;
        double var = 0;
        for (Point p : tail) {
            cov += (p.wallSeconds() - mw) * (p.audioSeconds() - ma);
            var += (p.wallSeconds() - mw) * (p.wallSeconds() - mw);
        }
        return cov / var;
    }
}
