package io.aami.contract.users;

import java.time.Instant;
import java.util.UUID;

/** A user as the admin API returns it: never the password or its hash. */
public record UserView(UUID id, String name, String role, boolean disabled, Instant createdAt, Instant updatedAt) {
}
