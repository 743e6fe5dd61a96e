package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the HTTP ingest pipeline: the server's whole pipeline on an
 * embedded channel ({@link IngestPipeline}), fed a request chosen by the fuzzer (one of a few
 * push heads, or none, then any bytes), cut where the fuzzer says. The server must answer without
 * a 500 and without an exception leaving the pipeline.
 *
 * <p>Without {@code JAZZER_FUZZ} (a plain {@code mvn verify}) each method replays its corpus in
 * {@code src/test/resources/io/mp3cast/server/HttpIngestFuzzTestInputs/} as regression tests. CI
 * also fuzzes {@link #fuzzBriefly} for 30 s (the {@code fuzz-ingest} execution in the server's pom, part of
 * {@code mvn verify}; {@code -Dfuzz.skip} skips it); fuzz for ten minutes with
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl mp3cast-server -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest='HttpIngestFuzzTest#fuzzForTenMinutes'
 * </pre>
 * A finding is written as a crash file into the inputs directory and then replays as a
 * regression test; what the fuzzer learned stays in {@code .cifuzz-corpus/} (not committed).
 */
class HttpIngestFuzzTest {
    private static final String[] HEADS = {
        "",
        "PUT /p.mp3?format=s16le&rate=24000&pace=none HTTP/1.1\r\nHost: x\r\n" + IngestPipeline.AUTH
                + "\r\nTransfer-Encoding: chunked\r\n\r\n",
        "PUT /p.mp3?pace=none HTTP/1.1\r\nHost: x\r\n" + IngestPipeline.AUTH + "\r\nContent-Length: 300\r\n\r\n",
        "PUT /q.mp3 HTTP/1.1\r\nHost: x\r\n" + IngestPipeline.AUTH + "\r\nContent-Type: audio/mpeg\r\n"
                + "Expect: 100-continue\r\n\r\n",
        "SOURCE /p.mp3 HTTP/1.0\r\n" + IngestPipeline.AUTH + "\r\nContent-Type: audio/mpeg\r\n\r\n",
        "GET /p.mp3?format=f32le&rate=24000&token=fuzz HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "POST /p.mp3?format=wav HTTP/1.1\r\nHost: x\r\n" + IngestPipeline.AUTH + "\r\nTransfer-Encoding: chunked\r\n\r\n",
    };
    private static IngestPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = new IngestPipeline();
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @FuzzTest(maxDuration = "30s")
    void fuzzBriefly(FuzzedDataProvider data) {
        exchange(data);
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzForTenMinutes(FuzzedDataProvider data) {
        exchange(data);
    }

    private static void exchange(FuzzedDataProvider data) {
        byte[] head = HEADS[data.consumeInt(0, HEADS.length - 1)].getBytes(StandardCharsets.ISO_8859_1);
        int[] cuts = new int[data.consumeInt(0, 6)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        java.util.Arrays.sort(cuts);
        byte[] rest = data.consumeRemainingAsBytes();
        byte[] request = IngestBodyPropertyTest.concat(head, rest);
        IngestPipeline.Exchange e = pipeline.exchange(request, cuts);
        assertThat(e.anyServerError()).as(e.response()).isFalse();
        assertThat(e.response()).doesNotContain("Exception");
    }
}
