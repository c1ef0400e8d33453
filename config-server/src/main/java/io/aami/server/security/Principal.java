package io.aami.server.security;

import java.util.Optional;
import java.util.UUID;

/**
 * Who an operator-side request acts as, resolved once per request from its credential and kept with it:
 * the rules ({@code Role}) and, later, the audit log's actor read it from here, never from the credential.
 *
 * @param kind    what kind of credential it was
 * @param userId  the user, for {@link Kind#USER}; else null
 * @param name    the user's name, or a fixed name for the other kinds (never a secret)
 * @param role    the role it acts with now (a user's current role, read with the credential); null for
 *                {@link Kind#MONITORING}, which has no role, only the monitoring routes
 * @param tokenId the user's API token the request came with, if any
 */
public record Principal(Kind kind, UUID userId, String name, Role role, UUID tokenId) {
    public enum Kind {
        /** A named user, by one of their API tokens (later also a browser session). */
        USER,
        /** The configured admin token: an admin without a user, for bootstrap and emergencies. */
        BREAK_GLASS,
        /** Prometheus's read-only token: service discovery and metrics only. */
        MONITORING
    }

    public static Principal breakGlass() {
        return new Principal(Kind.BREAK_GLASS, null, "admin-token", Role.ADMIN, null);
    }

    public static Principal monitoring() {
        return new Principal(Kind.MONITORING, null, "monitoring-token", null, null);
    }

    public static Principal user(UUID userId, String name, Role role, UUID tokenId) {
        return new Principal(Kind.USER, userId, name, role, tokenId);
    }

    /** Whether it may act with {@code needed}'s rights. */
    public boolean has(Role needed) {
        return role != null && role.includes(needed);
    }

    /** The user it acts as, or empty for a credential without one. */
    public Optional<UUID> user() {
        return Optional.ofNullable(userId);
    }
}
