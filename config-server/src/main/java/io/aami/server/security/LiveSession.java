package io.aami.server.security;

import java.time.Instant;

/**
 * A live console session: who it acts as, and when it ends however much it is used (what a token it mints may not
 * outlive). Here rather than in {@code http} so the sessions service that makes it needs nothing of HTTP.
 */
public record LiveSession(Principal principal, Instant endsAt) {
}
