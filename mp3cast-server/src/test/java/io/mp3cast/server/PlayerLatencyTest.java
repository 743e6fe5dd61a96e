package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;

/**
 * The browser player ({@code /web/player.js}) in headless {@code chromium} and {@code firefox-esr},
 * measured from its audio graph by {@code browser-tests/latency.mjs} (an AnalyserNode and an
 * AudioWorklet on {@code player.output}, timed with {@code performance.timeOrigin +
 * performance.now()}, the producer's clock too), on every decoder path each browser offers
 * (Chromium: WebCodecs, MSE {@code audio/mpeg}; Firefox: WebCodecs, MSE fMP4):
 * <ol>
 *   <li>time to first sound on a paced 24 kHz 64 kbps {@code /tone.mp3?pace=realtime}: median of 5
 *       at most 300 ms after {@code play()} ({@code <audio>}: 4.2 s) on every path, the player
 *       asking for a burst of its cushion as it does of every stream (the paced producer has that
 *       much ready); and with the burst off (the producer strictly at real time, check
 *       {@code strict}) at most 300 ms too, except on Chromium's MSE path, held to 450 ms there, see
 *       {@link #STRICT_FIRST_SOUND_LIMIT_MS};</li>
 *   <li>glass to glass: clicks pushed into a push mount 1 s apart, each heard at most 500 ms after
 *       its push, as p50 (p99 reported);</li>
 *   <li>gapless: a 440 Hz tone pushed as float32 in chunks of 20, 37 and 1000 ms plays with a
 *       correlation of at least 0.99 to a pure tone over 5 s (from 2.5 s after the first sound,
 *       once the audio clock's skew is learnt), with no underrun;</li>
 *   <li>no drift: over 60 s of a live mount (the glass-to-glass run of the first path, WebCodecs,
 *       with 60 clicks), {@code behindLiveMs} stays within latencyMs + 200 ms; the other paths run
 *       12 clicks;</li>
 *   <li>fallback: with WebCodecs and MSE hidden from the page, the player plays through
 *       {@code <audio>}.</li>
 * </ol>
 * The browsers run one after the other, about two minutes each: two at once on two cores slow
 * Firefox's mock audio device, whose clock then wanders. Figures land in
 * {@code target/browser/latency-*.json}.
 */
class PlayerLatencyTest {
    private static final int LATENCY_MS = 300;
    private static final long HARNESS_LIMIT_SECONDS = 240;
    /**
     * Time to first sound of a producer strictly at real time (no burst), median: 300 ms, except on
     * Chromium's MSE path, whose element will not play before about 240 ms of audio is buffered
     * ahead of it (measured: 192 ms appended at once never starts, 288 ms starts in 3 ms): on a
     * stream that arrives in real time, with the encoder's look-ahead, that is about 350 ms after
     * {@code play()} at best.
     */
    private static final Map<String, Double> STRICT_FIRST_SOUND_LIMIT_MS = Map.of("chromium/mse-mpeg", 450.0);
    private static final Map<String, List<String>> PATHS = Map.of(
            "chromium", List.of("webcodecs", "mse-mpeg"),
            "firefox", List.of("webcodecs", "mse-fmp4"));

    @AutoClose
    private static Mp3CastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = BrowserHarness.demoServer(2000);  // the fallback plays the demo mount; push mounts come with their producers
    }


    @InEachBrowser
    void thePlayerStartsFastFollowsTheLiveEdgePlaysGaplesslyAndFallsBackToAudio(String browser) throws Exception {
        Object report = BrowserHarness.forBrowser(browser).start("latency.mjs", "latency-" + browser, List.of(
                "--server", "http://127.0.0.1:" + server.port() + "/", "--latency-ms", String.valueOf(LATENCY_MS),
                "--checks", "ttfs,strict,gapless,g2g,fallback",
                "--runs", "5", "--clicks", "12", "--long-clicks", "60",
                "--timeout-ms", String.valueOf((HARNESS_LIMIT_SECONDS - 20) * 1000))).report(HARNESS_LIMIT_SECONDS);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
        soft.assertThat(list(report, "supported")).as("decoder paths %s offers", browser)
                .containsAll(PATHS.get(browser));
        soft.assertThat(list(report, "problems")).as("console errors").isEmpty();
        for (String path : PATHS.get(browser)) {
            firstSound(soft, report, browser, path);
            glassToGlass(soft, report, path);
            gapless(soft, report, path);
        }
        String main = PATHS.get(browser).get(0);
        soft.assertThat(number(report, "checks.g2g." + main + ".behindLiveMs.seconds"))
                .as("4. %s: seconds of behindLiveMs samples", main).isGreaterThanOrEqualTo(55.0);
        soft.assertThat(number(report, "checks.g2g." + main + ".behindLiveMs.max"))
                .as("4. %s: most behindLiveMs over the run (latencyMs %d)", main, LATENCY_MS)
                .isLessThanOrEqualTo(LATENCY_MS + 200.0);
        soft.assertThat(MiniJson.at(report, "checks.fallback.decoder")).as("5. decoder with WebCodecs and MSE hidden")
                .isEqualTo("audio");
        soft.assertThat(MiniJson.at(report, "checks.fallback.heardAfterMs")).as("5. <audio> fallback heard (ms after play())")
                .isInstanceOf(Double.class);
        soft.assertAll();
    }

    private static void firstSound(SoftAssertions soft, Object report, String browser, String path) {
        soft.assertThat(number(report, "checks.ttfs." + path + ".medianMs"))
                .as("1. %s: time to first sound, median ms (runs: %s)", path, MiniJson.at(report, "checks.ttfs." + path + ".runs"))
                .isLessThanOrEqualTo(300.0);
        double strict = STRICT_FIRST_SOUND_LIMIT_MS.getOrDefault(browser + "/" + path, 300.0);
        soft.assertThat(number(report, "checks.strict." + path + ".medianMs"))
                .as("1. %s: time to first sound, producer strictly at real time, median ms (runs: %s)", path,
                        MiniJson.at(report, "checks.strict." + path + ".runs"))
                .isLessThanOrEqualTo(strict);
    }

    private static void glassToGlass(SoftAssertions soft, Object report, String path) {
        String at = "checks.g2g." + path;
        soft.assertThat(number(report, at + ".p50Ms"))
                .as("2. %s: glass to glass p50 ms (p99 %s, each: %s)", path, MiniJson.at(report, at + ".p99Ms"),
                        MiniJson.at(report, at + ".latenciesMs"))
                .isLessThanOrEqualTo(500.0);
        soft.assertThat(number(report, at + ".heard")).as("2. %s: clicks heard of %s", path, MiniJson.at(report, at + ".clicks"))
                .isGreaterThanOrEqualTo(number(report, at + ".clicks") - 1);
    }

    private static void gapless(SoftAssertions soft, Object report, String path) {
        String at = "checks.gapless." + path;
        soft.assertThat(number(report, at + ".tone.correlation"))
                .as("3. %s: correlation with a pure tone over %s s (worst 50 ms windows: %s)", path,
                        MiniJson.at(report, at + ".tone.seconds"), MiniJson.at(report, at + ".tone.badWindows"))
                .isGreaterThanOrEqualTo(0.99);
        soft.assertThat(number(report, at + ".tone.seconds")).as("3. %s: seconds compared", path).isGreaterThanOrEqualTo(5.0);
        soft.assertThat(number(report, at + ".underruns")).as("3. %s: underruns", path).isZero();
    }

    private static double number(Object report, String path) {
        Object v = MiniJson.at(report, path);
        return v instanceof Double d ? d : Double.NaN;
    }

    private static List<Object> list(Object report, String path) {
        Object v = MiniJson.at(report, path);
        return v instanceof List<?> l ? List.copyOf(l) : List.of("missing: " + path);
    }
}
