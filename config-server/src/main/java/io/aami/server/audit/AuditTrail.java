package io.aami.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.ErrorCode;
import io.aami.server.db.DataAccessException;
import io.aami.server.error.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service that changes something calls, inside the change's own transaction, with that transaction's
 * connection: the change and its audit record commit together or not at all. A record that cannot be written
 * refuses the change (503 {@code AUDIT_UNAVAILABLE}, the transaction rolls back) — an unrecorded change is
 * worse than a refused one; an unreachable database, a deadlock or a serialization failure is passed on as it is
 * (the transaction is retried, or the answer is {@code DATABASE_UNAVAILABLE}).
 */
public final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final AuditStore store;
    private final AuditJson json;
    private final Clock clock;

    public AuditTrail(AuditStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.json = new AuditJson(mapper);
        this.clock = clock;
    }

    /** Records {@code change} by {@code actor} in {@code c}'s transaction (never autocommit: refused). */
    public void record(Connection c, Actor actor, Change change) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("an audit record is written in its change's transaction");
        }
        String before = json.write(change.before());
        String after = json.write(change.after());
        try {
            store.insert(c, clock.instant(), actor, change, before, after);
        } catch (SQLException e) {
            DataAccessException d = new DataAccessException(e);
            if (d.unavailable() || d.retryable()) {
                throw e;
            }
            LOG.error("the audit record of {} {} {} by {} could not be written (SQLSTATE {}); the change is refused",
                    change.action(), change.objectType(), change.objectId(), actor.name(), e.getSQLState(), e);
            throw ApiException.retryLater(ErrorCode.AUDIT_UNAVAILABLE,
                    "the change was not made: its audit record could not be written; retry later", RETRY_AFTER);
        }
    }
}
