package io.aami.contract;

import java.util.Optional;

/**
 * Every stable machine code of an error body's {@code code} field, with the HTTP status it is always
 * answered with. The server throws them; the agent reads them to decide whether to retry, re-enroll
 * or stop. A reader meets a code it does not know (a newer server) as {@link Optional#empty()} and
 * falls back on the status.
 */
public enum ErrorCode {
    MALFORMED_JSON(400),
    MALFORMED_REQUEST(400),
    VALIDATION_FAILED(400),
    UNKNOWN_GROUP(400),
    UNKNOWN_TARGET(400),
    UNAUTHORIZED(401),
    /** A client certificate a renewal or re-enrollment replaced (past its grace): the agent must use its current one. */
    CERTIFICATE_SUPERSEDED(401),
    TOKEN_UNKNOWN(401),
    TOKEN_EXPIRED(401),
    TOKEN_REVOKED(401),
    TOKEN_EXHAUSTED(401),
    FORBIDDEN(403),
    /** A state-changing request authenticated by the console's session cookie without its CSRF token (or a wrong one). */
    CSRF_TOKEN_INVALID(403),
    /** A password sent over plain HTTP where {@code http.plain_http_login} does not allow it: log in over HTTPS. */
    INSECURE_TRANSPORT(403),
    GROUP_MISMATCH(403),
    SOURCE_NOT_ALLOWED(403),
    AGENT_REVOKED(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    REQUEST_TIMEOUT(408),
    ALREADY_EXISTS(409),
    AGENT_ALREADY_REGISTERED(409),
    AGENT_ID_RETIRED(409),
    IN_USE(409),
    /** The change would leave no enabled admin user (demote, disable or delete the last one). */
    LAST_ADMIN(409),
    /** The break-glass admin token has no user: {@code /api/v1/me/...} routes that need one answer this. */
    NOT_A_USER(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),
    INTERNAL(500),
    SERVER_BUSY(503),
    DATABASE_UNAVAILABLE(503),
    /** The change's audit record could not be written, so the change was not made either (same transaction). */
    AUDIT_UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    /** The HTTP status every answer with this code has. */
    public int status() {
        return status;
    }

    /** The code named {@code wire}, or empty for null or a code this build does not know. */
    public static Optional<ErrorCode> fromWire(String wire) {
        if (wire != null) {
            for (ErrorCode c : values()) {
                if (c.name().equals(wire)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
