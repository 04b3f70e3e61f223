package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking on a loop-completed future from an application thread. A wait that times out (or is interrupted)
 * first withdraws the operation on the loop, so the loop never touches the caller's buffer afterwards; if the
 * operation finished meanwhile, its result wins.
 */
final class Waits {
    /** How long a withdrawal may take the loop before we give up on it (the loop is stuck or gone). */
    private static final long WITHDRAW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Waits() {
    }

    static long nanos(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            return Long.MAX_VALUE;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Waits for {@code f}. On timeout or interrupt, runs {@code withdraw} on the loop and completes {@code f}
     * with the timeout there (unless the loop completed it first).
     */
    static <T> T await(Driver driver, CompletableFuture<T> f, long timeoutNanos, String what, Runnable withdraw)
            throws IOException {
        if (driver.inLoop()) {
            throw new IllegalStateException("blocking " + what + " on the endpoint's event-loop thread; "
                    + "use the async variant or run it on another thread");
        }
        try {
            return unwrap(timeoutNanos == Long.MAX_VALUE ? f.get() : f.get(timeoutNanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            SocketTimeoutException te = new SocketTimeoutException(what + " timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            return withdrawn(driver, f, withdraw, te);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException(what + " interrupted");
            return withdrawn(driver, f, withdraw, ie);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Like {@link #await} for a long operation that reports progress: the timeout counts from the last progress
     * ({@code progress} changed), not from the start.
     */
    static <T> T awaitWithProgress(Driver driver, CompletableFuture<T> f, long timeoutNanos, String what,
                                   Runnable withdraw, java.util.function.LongSupplier progress) throws IOException {
        if (timeoutNanos == Long.MAX_VALUE) {
            return await(driver, f, timeoutNanos, what, withdraw);
        }
        if (driver.inLoop()) {
            throw new IllegalStateException("blocking " + what + " on the endpoint's event-loop thread; "
                    + "use the async variant or run it on another thread");
        }
        long seen = progress.getAsLong();
        while (true) {
            try {
                return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                long now = progress.getAsLong();
                if (now != seen) {
                    seen = now;
                    continue;
                }
                return withdrawn(driver, f, withdraw, new SocketTimeoutException(what + ": no progress for "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return withdrawn(driver, f, withdraw, new InterruptedIOException(what + " interrupted"));
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }
    }

    private static <T> T withdrawn(Driver driver, CompletableFuture<T> f, Runnable withdraw, IOException why)
            throws IOException {
        boolean submitted = driver.submit(() -> {
            if (!f.isDone()) {
                withdraw.run();
                f.completeExceptionally(why);
            }
        });
        if (!submitted) {
            f.completeExceptionally(driver.closedException());
        }
        try {
            boolean interrupted = Thread.interrupted();
            try {
                return f.get(WITHDRAW_NANOS, TimeUnit.NANOSECONDS);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw why;
        }
    }

    private static <T> T unwrap(T value) {
        return value;
    }

    static IOException rethrow(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }
}
