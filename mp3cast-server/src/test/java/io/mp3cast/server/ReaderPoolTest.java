package io.mp3cast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mp3cast.server.streams.RequestStreams;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReaderPoolTest {

    @Test
    void blockingReadsRunOnVirtualThreadsFromJava21AndOnABoundedPoolBefore() throws Exception {
        ExecutorService readers = RequestStreams.readerPool(8);
        try {
            Thread reader = readers.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
            boolean java21 = Runtime.version().feature() >= 21;
            boolean virtual = java21 && (boolean) Thread.class.getMethod("isVirtual").invoke(reader);
            assertThat(virtual).as("a virtual reader on Java %d", Runtime.version().feature()).isEqualTo(java21);
            if (!java21) {
                assertThat(readers).isInstanceOf(ThreadPoolExecutor.class);
                assertThat(((ThreadPoolExecutor) readers).getMaximumPoolSize()).isEqualTo(8);
                assertThat(reader.getName()).startsWith("mp3cast-read-");
                assertThat(reader.isDaemon()).isTrue();
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
