package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.mp3cast.live.Mp3StreamWriter;
import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.mp3.Mp3Encoder;
import io.mp3cast.pcm.PcmFormat;
import io.mp3cast.server.metrics.Mp3CastMetrics;
import io.mp3cast.source.AudioSource;
import io.mp3cast.source.AudioSources;
import io.mp3cast.testing.AudioMath;
import io.mp3cast.testing.Mp3Decoding;
import io.mp3cast.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding examples, as written: each Java block of README.md's "Embedding the
 * server", "Embedding ingest", "Metrics" and "The library" sections is in this file (checked line
 * by line), so it compiles against the API as it is. The three that bind fixed ports are compiled,
 * not run (tests bind port 0); the others run and their output is decoded.
 */
class ReadmeExamplesTest {
    /** What the examples assume: a speech synthesizer, a servlet response. */
    interface Tts {
        AudioSource speak(String text);
    }

    static final class Response {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        String contentType;

        void setContentType(String type) {
            contentType = type;
        }

        OutputStream getOutputStream() {
            return body;
        }
    }

    private static final Iterable<float[]> synthesizer = List.of(Signals.toneMix(24000, 12000, 0.5, 440),
            Signals.toneMix(24000, 12000, 0.5, 440), Signals.toneMix(24000, 12000, 0.5, 440));

    /** README, "Metrics": the Micrometer binding in a registry of one's own, or {@code /metrics} served. */
    static void metricsBinding(MeterRegistry meterRegistry) throws Exception {
        // Your own registry (Prometheus, OTLP, JMX, ...):
        Mp3CastMetrics metrics = new Mp3CastMetrics();
        metrics.bindTo(meterRegistry);
        Mp3CastServer server = Mp3CastServer.builder()
                .metrics(metrics)
                .mount(MountConfig.of("/radio.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .start();

        // Or /metrics served by the server itself, with the JVM and process binders:
        Mp3CastServer served = Mp3CastServer.builder()
                .port(8001)
                .metrics(Mp3CastMetrics.prometheus())
                .mount(MountConfig.of("/radio.mp3"), AudioSources.tone(24000, 440), EncoderSettings.cbr(64))
                .start();
    }

    /** README, "Embedding the server". */
    static void embeddingTheServer(Tts myTts) throws Exception {
        Mp3CastServer server = Mp3CastServer.builder()
                .port(8000)
                .adminPassword("change-me")
                // A live mount: one encoder, paced to real time, shared by every listener.
                .mount(MountConfig.of("/radio.mp3").withName("My radio").withBurstMillis(2000),
                       AudioSources.chirp(PcmFormat.floatMono(24000), 200, 2000, 5), EncoderSettings.cbr(64))
                // A per-request route: every GET gets its own source and encoder; a 400 for bad values.
                .route("/say.mp3", EncoderSettings.cbr(64), request -> {
                    String text = request.param("text").orElseThrow(() -> new IllegalArgumentException("text: missing"));
                    return myTts.speak(text);   // an AudioSource: read() may block while the synthesizer works
                })
                .start();
        server.mount("/radio.mp3").setTitle("Now playing: a chirp");
        // ...
        server.close();
    }

    /** README, "Embedding ingest". */
    static void embeddingIngest() throws Exception {
        Mp3CastServer server = Mp3CastServer.builder()
                .ingest(IngestSettings.DEFAULT.withSourcePassword("change-me").withBufferMillis(5000)
                        .withFallbackMount("/radio.mp3"))
                .pushMount(MountConfig.of("/live.mp3"), EncoderSettings.cbr(64))   // or let producers create mounts
                .start();
        // Push from the same JVM, as a network producer would; write blocks while the buffer is full.
        try (PushWriter w = server.push("/live.mp3", PcmFormat.floatMono(24000))) {
            for (float[] chunk : synthesizer) {
                w.write(chunk, 0, chunk.length);
            }
        }   // the buffered audio plays out, then silence (or the fallback mount)
        server.close();
    }

    @Test
    void theServletExampleWritesMp3ThatDecodesToTheSynthesizersTone() throws Exception {
        Response response = new Response();
        response.setContentType("audio/mpeg");
        try (Mp3StreamWriter mp3 = new Mp3StreamWriter(response.getOutputStream(),
                PcmFormat.floatMono(24000), EncoderSettings.cbr(64))) {
            for (float[] chunk : synthesizer) {
                mp3.write(chunk, 0, chunk.length);   // whole MP3 frames go out as they are ready
                mp3.flush();
            }
        }   // close() writes the final frames
        assertThat(response.contentType).isEqualTo("audio/mpeg");
        assertThat(dominantHz(response.body.toByteArray())).isEqualTo(440.0);
    }

    @Test
    void theLibraryExampleEncodesChunksIntoMp3ThatDecodesToTheTone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmFormat format = PcmFormat.floatMono(24000);               // float32 LE, 24 kHz, mono
        try (Mp3Encoder encoder = Mp3Encoder.open(format, EncoderSettings.cbr(64))) {
            for (float[] chunk : synthesizer) {                      // chunks of any size
                encoder.encode(chunk, 0, chunk.length, (buf, off, len) -> out.write(buf, off, len));
            }
            encoder.finish((buf, off, len) -> out.write(buf, off, len));
        }
        assertThat(dominantHz(out.toByteArray())).isEqualTo(440.0);
    }

    @Test
    void everyJavaExampleOfTheReadmeIsInThisFileAsWritten() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String self = lines(Files.readString(Path.of("src/test/java/io/mp3cast/server/ReadmeExamplesTest.java")));
        List<String> blocks = new ArrayList<>();
        for (String heading : List.of("### Embedding the server", "### Embedding ingest", "### Metrics", "## The library")) {
            int at = readme.indexOf("\n" + heading + "\n");
            assertThat(at).as(heading).isPositive();
            Matcher next = Pattern.compile("\n#{2,3} ").matcher(readme);
            int end = next.find(at + heading.length() + 2) ? next.start() : readme.length();
            Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(at, end));
            while (m.find()) {
                blocks.add(m.group(1));
            }
        }
        assertThat(blocks).hasSize(5);
        for (String block : blocks) {
            assertThat(self).as("README block compiled here").contains(lines(block));
        }
    }

    /** Lines without their indentation. */
    private static String lines(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            sb.append(line.strip()).append('\n');
        }
        return sb.toString();
    }

    private static double dominantHz(byte[] mp3) {
        float[] pcm = Mp3Decoding.decode(mp3).channel(0);
        return AudioMath.dominantFrequencyHz(pcm, 4800, 19200, 24000, 300, 1000);
    }
}
