package io.aami.server.registration;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whose turn it is to enroll, decided in this process before any pooled connection is taken.
 * Enrollments of one bootstrap token serialize on its row lock in PostgreSQL; a fleet enrolling with
 * one token (a cloud-init template) used to queue there, each request holding a pooled connection
 * while it waited, until the pool was empty and heartbeats and results got 503. Here they queue on a
 * lock in memory instead (one of {@link #STRIPES}, by token id: tokens may share a stripe, never a
 * token two), so at most one connection per token waits on that row in this replica, and at most
 * {@code connections} enrollments hold a connection at once. A turn not given within {@code wait} is
 * a 503 {@code SERVER_BUSY} with a jittered {@code Retry-After}: the agent retries later rather than
 * holding a request thread here.
 */
final class EnrollmentTurns {
    static final int STRIPES = 64;
    private static final int MAX_RETRY_AFTER_SECONDS = 5;

    /** A turn; closing it gives it to the next enrollment. */
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Semaphore connections;
    private final Duration wait;

    /** @param connections enrollments that may hold a pooled connection at once (at least 1) */
    EnrollmentTurns(int connections, Duration wait) {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock(true);
        }
        this.connections = new Semaphore(Math.max(1, connections), true);
        this.wait = wait;
    }

    /** Waits at most the configured time for {@code tokenId}'s turn; 503 {@code SERVER_BUSY} when it does not come. */
    Turn take(String tokenId) {
        ReentrantLock stripe = stripes[Math.floorMod(tokenId.hashCode(), STRIPES)];
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!stripe.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy("enrollments with bootstrap token " + tokenId + " are queued");
            }
            try {
                if (!connections.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw busy("too many enrollments at once");
                }
            } catch (InterruptedException | RuntimeException e) {
                stripe.unlock();
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy("the server is stopping");
        }
        return () -> {
            connections.release();
            stripe.unlock();
        };
    }

    /** The answer when the token's row is locked by another replica for longer than the lock timeout. */
    static ApiException busy(String why) {
        // Jittered, so a fleet refused together does not come back together.
        long seconds = 1 + ThreadLocalRandom.current().nextLong(MAX_RETRY_AFTER_SECONDS);
        return ApiException.retryLater(ErrorCode.SERVER_BUSY, why + "; retry later", Duration.ofSeconds(seconds));
    }
}
