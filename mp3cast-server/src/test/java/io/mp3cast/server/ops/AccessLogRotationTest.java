package io.mp3cast.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logrotate's default (move the file away, let the program make a new one): the access log notices
 * that its path names no file, or another file, and reopens it; every line lands in one file or the
 * other, none twice and none lost. The check runs at most once a second, so the test waits past it.
 */
class AccessLogRotationTest {
    @Test
    void afterTheFileIsMovedAwayTheNextLinesGoToANewFileAtThePathAndNoneIsLost(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (AccessLog log = AccessLog.open(path.toString())) {
            log.write(entry("/one.mp3"), 200, 1);
            Files.move(path, rotated);
            Thread.sleep(AccessLog.ROTATION_CHECK_MILLIS + 100);
            log.write(entry("/two.mp3"), 200, 2);
            log.write(entry("/three.mp3"), 200, 3);
            Files.move(path, dir.resolve("access.log.2"));
            Files.writeString(path, "made by logrotate's create\n");
            Thread.sleep(AccessLog.ROTATION_CHECK_MILLIS + 100);
            log.write(entry("/four.mp3"), 200, 4);
        }
        assertThat(lines(rotated)).hasSize(1).allMatch(l -> l.contains("GET /one.mp3"));
        assertThat(lines(dir.resolve("access.log.2"))).hasSize(2);
        assertThat(lines(dir.resolve("access.log.2")).get(0)).contains("GET /two.mp3");
        assertThat(lines(path)).hasSize(2);
        assertThat(lines(path).get(1)).contains("GET /four.mp3").contains("\" 200 4 ");
    }

    @Test
    void aFileThatStaysWhereItIsIsNotReopened(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("access.log");
        try (AccessLog log = AccessLog.open(path.toString())) {
            log.write(entry("/one.mp3"), 200, 1);
            Thread.sleep(AccessLog.ROTATION_CHECK_MILLIS + 100);
            log.write(entry("/two.mp3"), 200, 2);
        }
        assertThat(lines(path)).hasSize(2);
    }

    private static AccessLog.Entry entry(String path) {
        return new AccessLog.Entry("127.0.0.1", "-", System.currentTimeMillis(), "GET " + path + " HTTP/1.1", "-", "test");
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
