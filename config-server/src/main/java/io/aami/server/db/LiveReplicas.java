package io.aami.server.db;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many replicas share the database now: the sessions named {@link ChangeFeed#APPLICATION_NAME} in
 * {@code pg_stat_activity}, since every live replica holds exactly one, and a dead one's goes with it. Read
 * every {@link #REFRESH} on this replica's background pool; at least 1 (this one), and kept at its last value
 * when the database cannot say. Exported as {@code aami_replicas_live}.
 */
public final class LiveReplicas implements AutoCloseable {
    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(LiveReplicas.class);
    private static final String COUNT = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND application_name = ?";

    private final Database db;
    private volatile int live = 1;
    private ScheduledFuture<?> task;

    public LiveReplicas(Database db, PrometheusRegistry registry) {
        this.db = db;
        GaugeWithCallback.builder().name("aami_replicas_live").help("Replicas of the config-server sharing this database now")
                .callback(cb -> cb.call(live)).register(registry);
    }

    public void start(ScheduledExecutorService scheduler) {
        refresh();
        task = scheduler.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int live() {
        return live;
    }

    void refresh() {
        try {
            live = Math.max(1, db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(COUNT)) {
                    ps.setString(1, ChangeFeed.APPLICATION_NAME);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getInt(1) : 1;
                    }
                }
            }));
        } catch (RuntimeException e) {
            LOG.debug("cannot count the replicas: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
