package io.aami.server.db;

import io.aami.common.concurrent.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the embedded postmaster when it dies while the server runs (killed, OOM-killed, crashed):
 * the first attempt after {@link #FIRST_DELAY}, then doubling up to {@link #MAX_DELAY} while
 * attempts fail; a postmaster that ran for {@link #STABLE} before dying starts the backoff afresh.
 * The pool needs no help: the port stays the same, and Hikari drops dead connections when they fail.
 */
final class PostmasterSupervisor implements DatabaseLife, AutoCloseable {
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(PostmasterSupervisor.class);

    /** Brings a postmaster up and returns it once it accepts connections. */
    interface Starter {
        Process start() throws Exception;
    }

    private final Starter starter;
    private final Clock clock;
    private final Thread thread;
    private volatile Process current;
    private volatile Instant startedAt;
    private volatile boolean closed;
    private volatile String state = RUNNING;
    private volatile String reason;

    PostmasterSupervisor(Starter starter, Process running, Clock clock) {
        this.starter = starter;
        this.clock = clock;
        this.current = running;
        this.startedAt = clock.instant();
        this.thread = DaemonThreads.thread("aami-postmaster-supervisor", this::watch);
        this.thread.start();
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public String reason() {
        return reason;
    }

    Process current() {
        return current;
    }

    private void watch() {
        Duration delay = FIRST_DELAY;
        try {
            while (!closed) {
                int code = current.waitFor();
                if (closed) {
                    return;
                }
                if (Duration.between(startedAt, clock.instant()).compareTo(STABLE) >= 0) {
                    delay = FIRST_DELAY;
                }
                reason = "the embedded PostgreSQL exited (code " + code + "); restarting";
                state = RESTARTING;
                LOG.error("embedded PostgreSQL postmaster (pid {}) exited with code {}; restarting it", current.pid(), code);
                delay = restart(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tries until a postmaster runs (or the server closes); returns the delay for the next time. */
    private Duration restart(Duration delay) throws InterruptedException {
        while (!closed) {
            Thread.sleep(delay.toMillis());
            Duration next = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            try {
                Process p = starter.start();
                synchronized (this) {
                    current = p;
                    startedAt = clock.instant();
                    if (closed) {
                        return next;
                    }
                }
                state = RUNNING;
                reason = null;
                LOG.info("embedded PostgreSQL restarted (pid {})", p.pid());
                return next;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                reason = "restart failed: " + e.getMessage() + "; next attempt in " + next.toSeconds() + "s";
                LOG.warn("embedded PostgreSQL did not restart: {}; retrying in {}", e.getMessage(), next);
            }
            delay = next;
        }
        return delay;
    }

    /**
     * Stops watching and waits (bounded) for a restart in progress to give up, so the caller can then
     * stop whatever postmaster runs on the cluster without one appearing behind its back.
     */
    void stopWatching() {
        synchronized (this) {
            closed = true;
            thread.interrupt();
        }
        try {
            thread.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopWatching();
    }
}
