package io.aami.server.users;

import io.aami.contract.users.UserView;
import io.aami.server.security.Role;
import java.time.Instant;
import java.util.UUID;

/** A user's row; the password hash never leaves this package (see {@link #view}). */
record User(UUID id, String name, Role role, String passwordHash, boolean disabled, Instant createdAt, Instant updatedAt) {
    /** Whether it counts as an admin for the last-admin rule. */
    boolean enabledAdmin() {
        return role == Role.ADMIN && !disabled;
    }

    UserView view() {
        return new UserView(id, name, role.wire(), disabled, createdAt, updatedAt);
    }
}
