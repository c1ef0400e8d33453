package io.aami.server.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * A page of the audit log: every filter optional (null), newest first, at most {@code limit} events with an id
 * below {@code after}. The actor is a user's id or a name (the user's, or {@code admin-token}); the object a
 * type, a {@code type:id}, or an id of any type.
 */
public record AuditQuery(UUID actorId, String actorName, String objectType, String objectId, Instant since, Instant until,
                         int limit, Long after) {
}
