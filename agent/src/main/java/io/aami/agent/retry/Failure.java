package io.aami.agent.retry;

import io.aami.agent.transport.TransportException;

/**
 * What a failed call to the server means for the loop that made it, decided once for every loop,
 * by the HTTP status (and whether the server said when to come back).
 */
public enum Failure {
    /** The server said when to come back ({@code Retry-After} on a 429, 503 or other transient answer). */
    RETRY_AFTER,
    /** No answer, a timeout, a 5xx, 429 or 408: worth retrying as is, after a jittered backoff. */
    TRANSIENT,
    /** The server refuses the agent's own credential (its token or client certificate): a 401. */
    CREDENTIAL_REJECTED,
    /** Any other refusal: retrying soon will not change it. */
    PERMANENT;

    public static Failure of(TransportException e) {
        if (rejectsCredential(e)) {
            return CREDENTIAL_REJECTED;
        }
        if (e.transientFailure()) {
            return e.retryAfter() != null ? RETRY_AFTER : TRANSIENT;
        }
        return PERMANENT;
    }

    /**
     * Every 401, whatever its code: on the loops' routes the server sends no other (UNAUTHORIZED,
     * CERTIFICATE_SUPERSEDED), and a proxy's or a newer server's 401 is still no credential we can use.
     * A 403 is never one, AGENT_REVOKED included: revocation refuses the agent for good, and enrolling
     * again (which revocation refuses too) would only hand the bootstrap token out, so it waits like
     * any other refusal.
     */
    private static boolean rejectsCredential(TransportException e) {
        return e.status() == 401;
    }
}
