package io.aami.server.db;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background duties that must run on one replica at a time (the liveness sweep, partition maintenance,
 * retention, purges): each is led by the replica holding its PostgreSQL advisory lock, a session lock on
 * one dedicated connection per replica ({@code aami-config-server-duties}). Every replica ticks every
 * duty at its period; at each tick the leader checks its connection still answers and runs the duty,
 * the others try the lock and skip. Why a session lock and not {@code pg_try_advisory_xact_lock} per run:
 * a transaction lock only keeps two runs from overlapping, so N replicas would run a duty up to N times a
 * period, taking turns; the session lock keeps it on one replica for as long as that one lives. When it
 * dies its connection goes, and with it the lock: at once after {@code kill -9} (the kernel closes the
 * socket; PostgreSQL ends the backend), within about 25 s for a host that vanished silently (the server-side
 * TCP keepalives set below), and the next tick of another replica, within one period, takes the duty over.
 * A leader whose connection breaks (a database restart) stops leading until it wins the lock again.
 * <ul>
 *   <li>{@code aami_duty_runs_total{duty}}: runs of each duty on this replica</li>
 *   <li>{@code aami_duty_leader{duty}}: 1 while this replica holds the duty's lock</li>
 * </ul>
 */
public final class Duties implements AutoCloseable {
    /** First half of the two-key advisory lock: 'aami', apart from any bigint-keyed lock (PartitionMaintainer's). */
    static final int LOCK_CLASS = 0x61616d69;
    private static final Logger LOG = LoggerFactory.getLogger(Duties.class);
    private static final int VALID_SECONDS = 2;

    private final ConnectionFactory connect;
    private final ScheduledExecutorService scheduler;
    private final Counter runs;
    private final Gauge leader;
    private final Set<String> held = new HashSet<>();
    private final Set<ScheduledFuture<?>> tasks = new HashSet<>();
    private Connection connection;
    private boolean closed;

    /** Opens the duties' dedicated connection (not from the pool: the locks live as long as it does). */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    public Duties(ConnectionFactory connect, ScheduledExecutorService scheduler, PrometheusRegistry registry) {
        this.connect = connect;
        this.scheduler = scheduler;
        this.runs = Counter.builder().name("aami_duty_runs_total").help("Runs of each background duty on this replica")
                .labelNames("duty").register(registry);
        this.leader = Gauge.builder().name("aami_duty_leader").help("1 while this replica leads the background duty")
                .labelNames("duty").register(registry);
    }

    /**
     * Runs {@code work} every {@code period} (first after {@code initialDelay}) on whichever one replica leads
     * {@code name}. {@code work} must not throw: a failure it logs leaves the next run to the next period.
     */
    public synchronized ScheduledFuture<?> schedule(String name, Duration initialDelay, Duration period, Runnable work) {
        runs.initLabelValues(name);
        leader.labelValues(name).set(0);
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> tick(name, work), initialDelay.toMillis(),
                period.toMillis(), TimeUnit.MILLISECONDS);
        tasks.add(task);
        return task;
    }

    private void tick(String name, Runnable work) {
        if (lead(name)) {
            runs.labelValues(name).inc();
            work.run();
        }
    }

    /** Whether this replica leads {@code name} now: it held the lock on a connection that still answers, or won it. */
    synchronized boolean lead(String name) {
        if (closed) {
            return false;
        }
        try {
            if (connection != null && !connection.isValid(VALID_SECONDS)) {
                LOG.warn("the duties' database connection is lost; leading none of {} until a lock is won again", held);
                drop();
            }
            if (connection == null) {
                connection = open();
            }
            if (!held.contains(name) && tryLock(connection, name)) {
                held.add(name);
                leader.labelValues(name).set(1);
                LOG.info("this replica now leads the background duty {}", name);
            }
            return held.contains(name);
        } catch (SQLException e) {
            LOG.warn("cannot take the lock of background duty {}: {}", name, e.getMessage());
            drop();
            return false;
        }
    }

    private Connection open() throws SQLException {
        Connection c = connect.open();
        try (Statement s = c.createStatement()) {
            // The locks must outlive no dead replica for long: PostgreSQL probes an idle client every 5 s after 10 s.
            s.execute("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3");
        }
        return c;
    }

    private static boolean tryLock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** A stable 32-bit key per duty name (FNV-1a): the same on every replica and every version. */
    static int key(String name) {
        int h = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return h;
    }

    private void drop() {
        held.forEach(n -> leader.labelValues(n).set(0));
        held.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    /** Stops ticking and closes the connection, which hands every duty to another replica at its next tick. */
    @Override
    public synchronized void close() {
        closed = true;
        tasks.forEach(t -> t.cancel(false));
        drop();
    }
}
