package io.aami.server.sessions;

import io.aami.server.security.Role;
import java.time.Instant;
import java.util.UUID;

/** One session row with its user's current state (name, role, disabled), as one lookup reads it. */
record Session(UUID id, UUID userId, Instant createdAt, Instant lastSeenAt, String userName, Role role, boolean userDisabled) {
}
