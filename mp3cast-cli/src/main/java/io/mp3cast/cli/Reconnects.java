package io.mp3cast.cli;

import java.util.function.Consumer;

/**
 * {@code --reconnect}: a connection that fails or breaks is tried again after 1 s, then 2, 4, 8, 16
 * and 30 s between attempts, back to 1 s once one succeeds. Only failures worth a retry are retried:
 * the server unreachable or gone, a {@code 5xx}, or a mount still held by a source (Icecast's
 * {@code 403}) or over a limit; wrong credentials, a bad request and a missing mount end the push.
 * Without {@code --reconnect} every failure ends it.
 */
final class Reconnects {
    static final long FIRST_DELAY_MILLIS = 1000;
    static final long MAX_DELAY_MILLIS = 30_000;

    /** How to wait between attempts: {@link Thread#sleep(long)} outside tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleepMillis(long millis) throws InterruptedException;
    }

    /** A connection attempt. */
    @FunctionalInterface
    interface Attempt<T> {
        T call() throws CliException;
    }

    private final boolean enabled;
    private final Sleeper sleeper;
    private final Consumer<String> say;
    private long delayMillis = FIRST_DELAY_MILLIS;

    /** @param say where to tell the user about each retry */
    Reconnects(boolean enabled, Sleeper sleeper, Consumer<String> say) {
        this.enabled = enabled;
        this.sleeper = sleeper;
        this.say = say;
    }

    boolean enabled() {
        return enabled;
    }

    /** Runs {@code attempt} until it succeeds or fails in a way not worth a retry. */
    <T> T call(Attempt<T> attempt) throws CliException {
        while (true) {
            try {
                T result = attempt.call();
                delayMillis = FIRST_DELAY_MILLIS;
                return result;
            } catch (CliException e) {
                waitBeforeRetry(e);
            }
        }
    }

    /** Rethrows {@code failure} unless it is worth a retry; else waits the backoff's next delay. */
    void waitBeforeRetry(CliException failure) throws CliException {
        if (!enabled || !retryable(failure)) {
            throw failure;
        }
        say.accept(failure.getMessage() + "; trying again in " + delayMillis / 1000 + " s");
        try {
            sleeper.sleepMillis(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
        delayMillis = Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
    }

    static boolean retryable(CliException e) {
        int status = e.status();
        return e.exitCode() == ExitCodes.UNREACHABLE || status / 100 == 5 || status == 403 || status == 408
                || status == 429;
    }
}
