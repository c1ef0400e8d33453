package io.aami.server.users;

import io.aami.server.db.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each user token's last use, written behind: a request only notes it in memory, and {@link #flush} writes
 * every token used since the last flush in one batch ({@link #INTERVAL}), so a script calling the API in a loop
 * costs no UPDATE per request. A crash loses at most one interval of last-used times, never a credential.
 */
final class TokenUses {
    static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(TokenUses.class);

    private final Database db;
    private final UserTokenStore store;
    private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();

    TokenUses(Database db, UserTokenStore store) {
        this.db = db;
        this.store = store;
    }

    void record(UUID tokenId, Instant at) {
        pending.merge(tokenId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Writes what was noted; what fails to be written is kept for the next flush. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        // Sorted: two replicas flushing the same tokens lock their rows in the same order, so never deadlock.
        Map<UUID, Instant> batch = new TreeMap<>();
        for (UUID id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try {
            db.inTransaction(c -> {
                store.touch(c, batch);
                return null;
            });
        } catch (RuntimeException e) {
            batch.forEach(this::record);
            LOG.warn("could not write the last use of {} user tokens (kept for the next try): {}", batch.size(), e.getMessage());
        }
    }
}
