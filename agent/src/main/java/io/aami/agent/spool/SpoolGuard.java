package io.aami.agent.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * {@link ResultSpool}'s one lock and whether the spool is closed: serialises its appenders and its sender, wakes a
 * sender waiting for records, refuses calls on a closed spool, and turns an I/O failure under the lock into an
 * {@link UncheckedIOException} naming the stream.
 */
final class SpoolGuard {
    /** A spool operation that may fail on the disk. */
    interface IoCall<T> {
        T call() throws IOException;
    }

    private final Path dir;
    private final String stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private boolean closed;

    SpoolGuard(Path dir, String stream) {
        this.dir = dir;
        this.stream = stream;
    }

    /** Refuses an append from inside {@code encode} or another spool call, before it takes the lock. */
    void refuseNested() {
        if (lock.isHeldByCurrentThread()) {
            // The lock is reentrant: a nested append would get the seq the outer one is encoding.
            throw new IllegalStateException("append called from inside encode or another spool call");
        }
    }

    /** {@code call} on an open spool, under the lock; an I/O failure names the stream and {@code failure}. */
    <T> T whileOpen(String failure, IoCall<T> call) {
        return locked(failure, () -> {
            if (closed) {
                throw new IllegalStateException("spool " + stream + " in " + dir + " is closed");
            }
            return call.call();
        });
    }

    /** {@code call} under the lock, open spool or not; an I/O failure names the stream and {@code failure}. */
    <T> T locked(String failure, IoCall<T> call) {
        lock.lock();
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + stream + ": " + failure + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the spool is closed; under the lock, from inside a call. */
    boolean closed() {
        return closed;
    }

    /** Wakes the waiting {@link #await} calls; from inside a call that appended. */
    void appended() {
        appended.signalAll();
    }

    /**
     * Waits until {@code pending} holds, checked under the lock, up to {@code timeout}. True if it does (at once if it
     * already does); false on timeout, close or interrupt (the interrupt flag is kept).
     */
    boolean await(Duration timeout, BooleanSupplier pending) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!closed && !pending.getAsBoolean()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = appended.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the spool closed and wakes the waiting {@link #await} calls; false if it already was. */
    boolean close() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            appended.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
