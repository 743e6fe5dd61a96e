package io.mp3cast.server.streams;

import io.mp3cast.server.http.NamedThreads;
import io.mp3cast.time.Scheduler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a server's per-request streams run: each is a job on the server's {@link Scheduler}, and
 * the reads of sources that may block go to {@link #readers()}, so that no read holds up a
 * scheduler thread. Keeps the open streams, to close them all when the server stops.
 *
 * <p>Threading: every method is safe from any thread.
 */
public final class RequestStreams {
    private static final Logger LOG = LoggerFactory.getLogger(RequestStreams.class);
    /** How long a reader thread of the bounded pool stays without work before it ends. */
    private static final long READER_IDLE_SECONDS = 60;

    private final Scheduler scheduler;
    private final ExecutorService readers;
    private final Set<RequestStream> open = ConcurrentHashMap.newKeySet();

    /**
     * @param readers where blocking reads run: {@link #readerPool} unless a test wants another
     */
    public RequestStreams(Scheduler scheduler, ExecutorService readers) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.readers = Objects.requireNonNull(readers, "readers");
    }

    /**
     * Where the reads of sources that may block run: virtual threads, one per read, on Java 21 and
     * later (found at run time: the code is compiled for 17); before that a pool of at most
     * {@code maxThreads} platform threads (one per open stream at most, as each stream has at most
     * one read in flight), made when needed and ended after a minute without work. Sources that
     * never block are read on the scheduler and never come here.
     */
    public static ExecutorService readerPool(int maxThreads) {
        ExecutorService virtual = virtualThreadPerTask();
        if (virtual != null) {
            return virtual;
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, READER_IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreads("mp3cast-read"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} where the JDK has it (21+), else null. */
    static ExecutorService virtualThreadPerTask() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;  // before Java 21 (19 and 20 have it as a preview only)
        } catch (UnsupportedOperationException e) {
            return null;  // Java 19 or 20 without --enable-preview
        } catch (Throwable e) {
            throw new IllegalStateException("cannot make a virtual-thread executor: " + e, e);
        }
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Where blocking reads run. */
    public ExecutorService readers() {
        return readers;
    }

    void opened(RequestStream stream) {
        open.add(stream);
    }

    void closed(RequestStream stream) {
        open.remove(stream);
    }

    /**
     * Closes every stream (its connection, source and encoder), waiting for a step in progress to end
     * first, then stops the reader threads. Called once the server takes no new requests.
     */
    public void closeAll() {
        List<RequestStream> all = new ArrayList<>(open);
        for (RequestStream s : all) {
            s.closeNow();
        }
        readers.shutdownNow();
        try {
            if (!readers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("per-request sources still reading 2 s after the server closed them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
