package io.aami.server.security;

import java.util.Locale;
import java.util.Optional;

/**
 * A user's role, ordered: each includes every right of the ones before it. {@code viewer} reads everything
 * but secrets; {@code operator} also changes targets, groups, checks, probes and bootstrap tokens;
 * {@code admin} also manages users, the CA and keys, and everything else.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** Whether this role has every right {@code needed} has. */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The wire form: {@code viewer}, {@code operator}, {@code admin}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a wire form names, or empty (an unknown name is never rounded to a known one). */
    public static Optional<Role> fromWire(String wire) {
        for (Role r : values()) {
            if (r.wire().equals(wire)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
