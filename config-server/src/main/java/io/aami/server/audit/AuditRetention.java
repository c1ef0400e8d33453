package io.aami.server.audit;

import io.aami.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes audit events older than {@code audit.retention}, in batches of {@link #BATCH} (each its own short
 * transaction, so neither a lock nor the WAL grows with the backlog) and at most {@link #MAX_BATCHES} a run: a
 * first run over years of events spreads over several hours rather than one long burst. Replicas may run it at
 * once; a delete of an already deleted row deletes nothing.
 */
public final class AuditRetention {
    static final int BATCH = 1_000;
    static final int MAX_BATCHES = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final Database db;
    private final AuditStore store;
    private final Duration retention;
    private final Clock clock;
    private final int batch;
    private final int maxBatches;

    public AuditRetention(Database db, AuditStore store, Duration retention, Clock clock) {
        this(db, store, retention, clock, BATCH, MAX_BATCHES);
    }

    AuditRetention(Database db, AuditStore store, Duration retention, Clock clock, int batch, int maxBatches) {
        this.db = db;
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.batch = batch;
        this.maxBatches = maxBatches;
    }

    /** One run; returns how many events it deleted. */
    public int prune() {
        var before = clock.instant().minus(retention);
        int total = 0;
        for (int i = 0; i < maxBatches; i++) {
            int n = db.inTransaction(c -> store.prune(c, before, batch));
            total += n;
            if (n < batch) {
                break;
            }
        }
        if (total > 0) {
            LOG.info("deleted {} audit events older than {} (audit.retention)", total, before);
        }
        return total;
    }

    /** {@link #prune}, logging a failure instead of throwing it (a scheduled run must not end the schedule). */
    void pruneQuietly() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.warn("audit retention failed; the next run tries again: {}", e.getMessage());
        }
    }
}
