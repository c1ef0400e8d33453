package io.aami.contract.users;

import java.time.Instant;
import java.util.UUID;

/**
 * A browser session as its own user sees it (never the session id, which lives only in the HttpOnly cookie).
 *
 * @param id        the session's row (what the audit log names; not the secret)
 * @param csrfToken what every state-changing request made with the cookie must send, in the {@code X-CSRF-Token}
 *                  header or the {@code csrf_token} form field
 * @param idleExpiresAt when it ends unless used before
 * @param expiresAt when it ends however much it is used
 */
public record SessionView(UUID id, UUID userId, String user, String role, String csrfToken, Instant idleExpiresAt, Instant expiresAt) {
}
