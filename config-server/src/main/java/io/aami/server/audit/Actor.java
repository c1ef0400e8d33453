package io.aami.server.audit;

import io.aami.server.security.Principal;
import java.util.UUID;

/**
 * Who made a change, as the audit log records it: the request's {@link Principal} (a user, or the break-glass
 * admin token) and the address its request came from. Services take it from their handler and hand it on to
 * {@link AuditTrail#record}; they never read it from a request themselves.
 *
 * @param kind    {@code user} or {@code break_glass}
 * @param userId  the user, or null for the admin token
 * @param name    the user's name, or {@code admin-token}
 * @param address the TCP peer's address
 */
public record Actor(String kind, UUID userId, String name, String address) {
    static final int MAX_ADDRESS = 100;

    /** The actor {@code principal} is; the monitoring token changes nothing, so it is refused here. */
    public static Actor of(Principal principal, String address) {
        String kind = switch (principal.kind()) {
            case USER -> "user";
            case BREAK_GLASS -> "break_glass";
            case MONITORING -> throw new IllegalStateException("the monitoring token makes no changes");
        };
        String a = address == null || address.isBlank() ? "unknown" : address;
        return new Actor(kind, principal.userId(), principal.name(), a.length() > MAX_ADDRESS ? a.substring(0, MAX_ADDRESS) : a);
    }
}
