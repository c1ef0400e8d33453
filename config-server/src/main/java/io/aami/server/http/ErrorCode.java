package io.aami.server.http;

/** Stable machine codes of the {@code code} field in error bodies; {@link ErrorMapper} owns their HTTP statuses. */
public enum ErrorCode {
    MALFORMED_JSON,
    MALFORMED_REQUEST,
    VALIDATION_FAILED,
    UNKNOWN_GROUP,
    UNKNOWN_TARGET,
    UNAUTHORIZED,
    /** A client certificate a renewal or re-enrollment replaced (past its grace): the agent must use its current one. */
    CERTIFICATE_SUPERSEDED,
    TOKEN_UNKNOWN,
    TOKEN_EXPIRED,
    TOKEN_REVOKED,
    TOKEN_EXHAUSTED,
    FORBIDDEN,
    GROUP_MISMATCH,
    SOURCE_NOT_ALLOWED,
    AGENT_REVOKED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    ALREADY_EXISTS,
    AGENT_ALREADY_REGISTERED,
    AGENT_ID_RETIRED,
    IN_USE,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    REQUEST_TIMEOUT,
    SERVER_BUSY,
    DATABASE_UNAVAILABLE,
    INTERNAL
}
