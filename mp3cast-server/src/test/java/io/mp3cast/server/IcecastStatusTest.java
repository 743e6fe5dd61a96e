package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.testing.Encoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * mp3cast's Icecast status documents against Debian's {@code icecast2} 2.4.4 serving the same
 * mounts, fed by the same source (same MP3, same {@code ice-*} headers, same title set through
 * {@code /admin/metadata}): {@code /status-json.xsl} has the same keys with the same JSON types
 * ({@code source} an object for one mount, an array for two), its dates read as
 * icecast_exporter reads them; {@code /admin/stats} and {@code /admin/listclients} have the same
 * elements.
 */
class IcecastStatusTest {
    private static final String[] ICE_HEADERS = {"ice-name: Test radio", "ice-description: a tone",
        "ice-genre: test", "ice-url: http://example.test/", "ice-audio-info: channels=1;samplerate=24000;bitrate=64"};
    /** Go's 2006-01-02T15:04:05-0700, which icecast_exporter parses. */
    private static final String EXPORTER_DATE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{4}";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} mount(s)")
    @ValueSource(ints = {1, 2})
    void statusJsonAdminStatsAndListClientsHaveIcecastsShape(int mountCount) throws Exception {
        List<byte[]> frames = IcecastSourceTest.split(Encoding.encode(PcmFormat.floatMono(24000), EncoderSettings.cbr(64),
                Signals.toneMix(24000, 24000 * 4, 0.5, 440)));
        List<String> mounts = mountCount == 1 ? List.of("/a.mp3") : List.of("/a.mp3", "/b.mp3");
        try (RealIcecast icecast = RealIcecast.start(dir);
             Mp3CastServer mp3cast = Mp3CastServer.builder().host("127.0.0.1").port(0).adminPassword(RealIcecast.PASSWORD)
                     .ingest(IngestSettings.DEFAULT.withSourcePassword(RealIcecast.PASSWORD)).start()) {
            List<AutoCloseable> open = new ArrayList<>();
            try {
                for (String m : mounts) {
                    icecast.push(m, frames, ICE_HEADERS);
                    open.add(RealIcecast.Source.start(mp3cast.port(), m, frames, ICE_HEADERS));
                }
                for (String m : mounts) {
                    setTitle(icecast.port, m);
                    setTitle(mp3cast.port(), m);
                    open.add(RawHttp.get(icecast.port, m, "User-Agent: StatusTest/1"));
                    open.add(RawHttp.get(mp3cast.port(), m, "User-Agent: StatusTest/1"));
                }
                Object ice = awaitJson(icecast.port, mountCount);
                Object ours = awaitJson(mp3cast.port(), mountCount);

                assertThat(shape(ours)).isEqualTo(shape(ice));
                Object source = MiniJson.at(ours, "icestats.source");
                assertThat(source).isInstanceOf(mountCount == 1 ? Map.class : List.class);
                for (Object s : mountCount == 1 ? List.of(source) : (List<?>) source) {
                    assertThat(new ArrayList<Object>(((Map<?, ?>) s).keySet())).contains("stream_start_iso8601",
                            "listenurl", "listeners", "listener_peak", "audio_info", "bitrate", "genre", "server_name",
                            "server_description", "title");
                    assertThat((String) MiniJson.at(s, "stream_start_iso8601")).matches(EXPORTER_DATE);
                    assertThat(MiniJson.at(s, "title")).isEqualTo("Now playing");
                    assertThat(MiniJson.at(s, "listeners")).isEqualTo(1.0);
                }
                assertThat((String) MiniJson.at(ours, "icestats.server_start_iso8601")).matches(EXPORTER_DATE);
                assertThat((String) MiniJson.at(ice, "icestats.server_start_iso8601")).matches(EXPORTER_DATE);

                assertThat(xmlShape(get(mp3cast.port(), "/admin/stats")))
                        .isEqualTo(xmlShape(icecast.get("/admin/stats", true)));
                assertThat(xmlShape(get(mp3cast.port(), "/admin/listclients?mount=/a.mp3")))
                        .isEqualTo(xmlShape(icecast.get("/admin/listclients?mount=/a.mp3", true)));
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
        }
    }

    private static void setTitle(int port, String mount) throws Exception {
        String body = get(port, "/admin/metadata?mode=updinfo&song=Now%20playing&mount=" + mount);
        assertThat(body).contains("<return>1</return>");
    }

    /** The status once every mount is listed with its title (Icecast updates its stats about once a second). */
    private static Object awaitJson(int port, int mounts) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        Predicate<Object> complete = json -> {
            Object s = MiniJson.at(json, "icestats.source");
            List<?> all = s instanceof List<?> l ? l : s == null ? List.of() : List.of(s);
            return all.size() == mounts && all.stream().allMatch(m -> MiniJson.at(m, "title") != null
                    && Double.valueOf(1.0).equals(MiniJson.at(m, "listeners")));
        };
        while (true) {
            String text = getPublic(port, "/status-json.xsl");
            Object json;
            try {
                json = MiniJson.parse(text);
            } catch (IllegalArgumentException e) {
                // icecast2 2.4.4 now and then serves a half-built document while its stats settle
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not JSON: " + text, e);
                }
                Thread.sleep(100);
                continue;
            }
            if (complete.test(json) || System.nanoTime() > deadline) {
                return json;
            }
            Thread.sleep(100);
        }
    }

    /** Keys and JSON types, recursively: objects by key, arrays by their elements' shapes. */
    static Object shape(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> s = new TreeMap<>();
            m.forEach((k, v) -> s.put((String) k, shape(v)));
            return s;
        }
        if (json instanceof List<?> l) {
            List<Object> s = new ArrayList<>();
            l.forEach(v -> s.add(shape(v)));
            return s;
        }
        return json == null ? "null" : json instanceof String ? "string" : json instanceof Double ? "number" : "boolean";
    }

    /** Element names, recursively (attributes by name too); text content ignored. */
    static Object xmlShape(String xml) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        return elementShape(root);
    }

    private static Object elementShape(Element e) {
        Map<String, Object> s = new TreeMap<>();
        for (int i = 0; i < e.getAttributes().getLength(); i++) {
            s.put("@" + e.getAttributes().item(i).getNodeName(), "attribute");
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                s.merge(child.getTagName(), elementShape(child), (a, b) -> a.equals(b) ? a : List.of(a, b));
            }
        }
        return Map.of(e.getTagName(), s);
    }

    private static String get(int port, String path) throws Exception {
        return send(port, path, true);
    }

    private static String getPublic(int port, String path) throws Exception {
        return send(port, path, false);
    }

    private static String send(int port, String path, boolean admin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (admin) {
            b.header("Authorization", Put.basic("admin", RealIcecast.PASSWORD));
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(200);
        return res.body();
    }
}
