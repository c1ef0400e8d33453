package io.aami.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.ErrorCode;
import io.aami.server.db.DataAccessException;
import io.aami.server.error.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        recordAll(c, actor, List.of(change));
    }

    /**
     * Records every change in {@code changes} (in order, one record each, exactly as {@link #record} would) with one
     * batch in {@code c}'s transaction: a change to a thousand objects does not pay a thousand round trips.
     */
    public void recordAll(Connection c, Actor actor, List<Change> changes) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("an audit record is written in its change's transaction");
        }
        if (changes.isEmpty()) {
            return;
        }
        List<String[]> states = new ArrayList<>(changes.size());
        for (Change change : changes) {
            states.add(new String[] {json.write(change.before()), json.write(change.after())});
        }
        try {
            if (changes.size() == 1) {
                store.insert(c, clock.instant(), actor, changes.get(0), states.get(0)[0], states.get(0)[1]);
            } else {
                store.insertAll(c, clock.instant(), actor, changes, states);
            }
        } catch (SQLException e) {
            DataAccessException d = new DataAccessException(e);
            if (d.unavailable() || d.retryable()) {
                throw e;
            }
            Change first = changes.get(0);
            LOG.error("the audit record of {} {} {} (one of {}) by {} could not be written (SQLSTATE {}); the change is refused",
                    first.action(), first.objectType(), first.objectId(), changes.size(), actor.name(), e.getSQLState(), e);
            throw ApiException.retryLater(ErrorCode.AUDIT_UNAVAILABLE,
                    "the change was not made: its audit record could not be written; retry later", RETRY_AFTER);
        }
    }
}
