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
 * one dedicated connection per replica ({@code aami-config-server-duties}). Every replica probes every
 * duty at a quarter of its period (at most every {@value #MAX_PROBE_SECONDS} s): the leader checks its connection
 * still answers and runs the duty once a period is up, the others try the lock and skip; one that wins it runs the
 * duty at once. Why probe faster than the period: a follower ticking at the period would find a lock freed just
 * after its tick only a whole period later, on top of the time the leader's death took to free it; probing at a
 * quarter takes a freed duty over within a quarter period. Why a session lock and not {@code pg_try_advisory_xact_lock} per run:
 * a transaction lock only keeps two runs from overlapping, so N replicas would run a duty up to N times a
 * period, taking turns; the session lock keeps it on one replica for as long as that one lives. When it
 * dies its connection goes, and with it the lock: at once after {@code kill -9} (the kernel closes the
 * socket; PostgreSQL ends the backend), within about 25 s for a host that vanished silently (the server-side
 * TCP keepalives set below), and the next probe of another replica, within a quarter period, takes the duty over.
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
    /** Probes of a long duty (hourly purges) need not be faster than this to take it over well within its period. */
    static final int MAX_PROBE_SECONDS = 10;

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
        Cadence cadence = new Cadence(period.toNanos());
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> tick(name, cadence, work),
                initialDelay.toNanos(), probe(period).toNanos(), TimeUnit.NANOSECONDS);
        tasks.add(task);
        return task;
    }

    /** How often a duty of {@code period} is probed: a quarter of it, at most {@value #MAX_PROBE_SECONDS} s, at least 1 ms. */
    static Duration probe(Duration period) {
        long quarter = Math.max(period.dividedBy(4).toNanos(), TimeUnit.MILLISECONDS.toNanos(1));
        return Duration.ofNanos(Math.min(quarter, TimeUnit.SECONDS.toNanos(MAX_PROBE_SECONDS)));
    }

    private void tick(String name, Cadence cadence, Runnable work) {
        if (!lead(name)) {
            cadence.lost();
        } else if (cadence.due(System.nanoTime())) {
            runs.labelValues(name).inc();
            work.run();
        }
    }

    /**
     * When a duty's leader runs it next: at once on winning the lock, then a period after each run. Touched only by
     * the duty's own task, which never overlaps itself (fixed delay), so it needs no lock.
     */
    private static final class Cadence {
        private final long periodNanos;
        private long lastRun;
        private boolean ran;

        Cadence(long periodNanos) {
            this.periodNanos = periodNanos;
        }

        boolean due(long now) {
            if (ran && now - lastRun < periodNanos) {
                return false;
            }
            ran = true;
            lastRun = now;
            return true;
        }

        void lost() {
            ran = false;
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
