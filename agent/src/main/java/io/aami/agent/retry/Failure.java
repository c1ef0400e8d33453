package io.aami.agent.retry;

import io.aami.agent.transport.TransportException;
import io.aami.contract.ErrorCode;
import java.util.Optional;

/**
 * What a failed call to the server means for the loop that made it, decided once for every loop.
 * The server's error code decides where the agent knows it; an unknown code (a newer server, a
 * proxy's page) falls back on the HTTP status.
 */
public enum Failure {
    /** The server said when to come back ({@code Retry-After} on a 429, 503 or other transient answer). */
    RETRY_AFTER,
    /** No answer, a timeout, a 5xx, 429 or 408: worth retrying as is, after a jittered backoff. */
    TRANSIENT,
    /** The server refuses the agent's own credential (its token or client certificate). */
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
     * 401 with the agent's credential (UNAUTHORIZED, CERTIFICATE_SUPERSEDED, or a code this build does
     * not know) and 403 AGENT_REVOKED. The bootstrap-token codes are 401 too, but they refuse the
     * enrollment token, not the credential; other 403s refuse the request, not who made it.
     */
    private static boolean rejectsCredential(TransportException e) {
        Optional<ErrorCode> code = ErrorCode.fromWire(e.code());
        if (code.isEmpty()) {
            return e.status() == 401;
        }
        return switch (code.get()) {
            case UNAUTHORIZED, CERTIFICATE_SUPERSEDED, AGENT_REVOKED -> true;
            default -> false;
        };
    }
}
