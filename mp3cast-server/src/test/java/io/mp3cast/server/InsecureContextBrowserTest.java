package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.pcm.SampleEncoding;
import io.mp3cast.source.AudioSources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;

/**
 * The browser player ({@code /web/player.js}) and the page at {@code /} in an insecure context, as
 * on a LAN over plain http, without leaving the loopback: {@code browser-tests/insecure.mjs} makes
 * the browser resolve {@code mp3cast.test} to 127.0.0.1 (Chromium {@code --host-resolver-rules},
 * Firefox {@code network.dns.forceResolve}) and opens {@code http://mp3cast.test:PORT/}, where
 * {@code isSecureContext} is false (it is true on http://127.0.0.1, where the other browser tests
 * run). There neither browser has WebCodecs and Firefox has no AudioWorklet, so the player must take
 * MSE: {@code audio/mpeg} in Chromium, MP3 in fragmented MP4 (muxed by the player) in Firefox. In
 * each browser:
 * <ol>
 *   <li>the page is not a secure context and the player offers no WebCodecs;</li>
 *   <li>a paced {@code /tone.mp3?pace=realtime} (440 Hz) and a live mount (a 660 Hz tone), each
 *       played three times with the path the player picks: it picks the expected one, the first
 *       sound (an AnalyserNode on {@code player.output}) comes within {@link #FIRST_SOUND_LIMIT_MS}
 *       of {@code play()}, and the output's dominant frequency is the tone's;</li>
 *   <li>the page at {@code /}, its player switched on, plays the demo mount: the card shows how far
 *       behind live it plays, names the expected decoder, and its meter moves.</li>
 * </ol>
 * The figures (first sound, behind live, underruns) land in {@code target/browser/insecure-*.json};
 * only a generous bound is held here, as other builds may share the machine. Needs {@code node},
 * {@code npm ci} in {@code browser-tests/} and the browsers: skipped without them, failing when
 * {@code CI=true}.
 */
class InsecureContextBrowserTest {
    private static final long HARNESS_LIMIT_SECONDS = 90;
    private static final double FIRST_SOUND_LIMIT_MS = 2000;
    private static final double TONE_HZ = 440;
    private static final double LIVE_HZ = 660;
    /** The path each browser's player must take in an insecure context, and how the page names it. */
    private static final Map<String, String> PATH = Map.of("chromium", "mse-mpeg", "firefox", "mse-fmp4");
    private static final Map<String, String> PAGE_NAME = Map.of("chromium", "MSE", "firefox", "MSE (fMP4)");

    @AutoClose
    private static Mp3CastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword("unused")
                .mount(MountConfig.of("/stream.mp3").withName("mp3cast demo"),
                        AudioSources.chirp(new PcmFormat(24000, 1, SampleEncoding.FLOAT32_LE), 200, 2000, 5),
                        EncoderSettings.DEFAULT, "chirp 200-2000 Hz every 5 s")
                .mount(MountConfig.of("/tone-live.mp3").withName("tone"), AudioSources.tone(24000, LIVE_HZ),
                        EncoderSettings.DEFAULT, "tone " + (int) LIVE_HZ + " Hz")
                .demoRoutes()
                .start();
    }


    @InEachBrowser
    void onPlainHttpFromAnotherHostThePlayerPlaysThroughMseAndThePageShowsItsLatency(String browser) throws Exception {
        Object report = BrowserHarness.forBrowser(browser).start("insecure.mjs", "insecure-" + browser, List.of(
                "--server", "http://127.0.0.1:" + server.port() + "/", "--host", "mp3cast.test",
                "--live", "/tone-live.mp3", "--mount", "/stream.mp3", "--tone-hz", String.valueOf((int) TONE_HZ),
                "--runs", "3", "--out", BrowserHarness.OUT.toString(),
                "--timeout-ms", String.valueOf((HARNESS_LIMIT_SECONDS - 10) * 1000))).report(HARNESS_LIMIT_SECONDS);
        String path = PATH.get(browser);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(MiniJson.at(report, "fatal")).as("harness failure").isNull();
        soft.assertThat(MiniJson.at(report, "secureContext")).as("1. isSecureContext at %s", MiniJson.at(report, "tapPage"))
                .isEqualTo(false);
        soft.assertThat(list(report, "supported")).as("1. decoder paths offered (APIs: %s)", MiniJson.at(report, "apis"))
                .contains(path).doesNotContain("webcodecs");
        plays(soft, report, "tone", path, TONE_HZ);
        plays(soft, report, "live", path, LIVE_HZ);
        soft.assertThat(MiniJson.at(report, "checks.page.secureContext")).as("3. isSecureContext at /").isEqualTo(false);
        soft.assertThat(MiniJson.at(report, "checks.page.shownAfterMs"))
                .as("3. ms until the page's card showed how far behind live it plays (it showed: %s)",
                        MiniJson.at(report, "checks.page.figure"))
                .isInstanceOfSatisfying(Double.class, ms -> assertThat(ms).isLessThanOrEqualTo(5000.0));
        soft.assertThat((String) MiniJson.at(report, "checks.page.figure")).as("3. the latency figure")
                .matches("live · \\d+:\\d\\d · \\d+ ms behind");
        soft.assertThat(MiniJson.at(report, "checks.page.decoder")).as("3. the decoder the page's player names")
                .isEqualTo(PAGE_NAME.get(browser));
        soft.assertThat(number(report, "checks.page.meterPeakLevel")).as("3. peak level the page's meter drew")
                .isGreaterThan(0.05);
        soft.assertThat(list(report, "problems")).as("console errors").isEmpty();
        soft.assertAll();
    }

    /** Each run of `check`: the expected path, a first sound within the bound, the tone's frequency. */
    private static void plays(SoftAssertions soft, Object report, String check, String path, double hz) {
        String at = "checks." + check;
        soft.assertThat(list(report, at + ".decoders")).as("2. %s: paths the player took", check).containsExactly(path);
        List<Object> runs = list(report, at + ".runs");
        soft.assertThat(runs).as("2. %s: runs", check).hasSize(3);
        for (Object run : runs) {
            soft.assertThat(MiniJson.at(run, "firstSoundMs")).as("2. %s: ms from play() to the first sound (%s)", check, run)
                    .isInstanceOfSatisfying(Double.class, ms -> assertThat(ms).isLessThanOrEqualTo(FIRST_SOUND_LIMIT_MS));
            soft.assertThat(MiniJson.at(run, "hz")).as("2. %s: dominant frequency heard (%s)", check, run)
                    .isInstanceOfSatisfying(Double.class, f -> assertThat(f).isBetween(hz * 0.97, hz * 1.03));
            soft.assertThat(MiniJson.at(run, "error")).as("2. %s: player error", check).isNull();
        }
    }

    private static double number(Object report, String path) {
        Object v = MiniJson.at(report, path);
        return v instanceof Double d ? d : Double.NaN;
    }

    private static List<Object> list(Object report, String path) {
        Object v = MiniJson.at(report, path);
        return v instanceof List<?> l ? new ArrayList<>(l) : List.of("missing: " + path);
    }
}
