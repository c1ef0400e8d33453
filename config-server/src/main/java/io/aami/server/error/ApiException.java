package io.aami.server.error;

import io.aami.contract.ErrorCode;
import java.time.Duration;

/**
 * The one exception services throw to refuse a request. The HTTP layer's error mapper turns it into
 * {@code {"error","code","field"}} with the status that belongs to the code. It lives outside
 * {@code http} so services and stores can refuse without depending on the HTTP layer.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;
    private final Duration retryAfter;

    public ApiException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    private ApiException(ErrorCode code, String message, String field, Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    /** A field of the request body or query that fails validation. */
    public static ApiException invalid(String field, String problem) {
        return new ApiException(ErrorCode.VALIDATION_FAILED, field + ": " + problem, field, null);
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " " + id + " does not exist");
    }

    /** {@code field} names something that does not exist (a 404 that says which field): {@code message} names it. */
    public static ApiException unknown(String field, String message) {
        return new ApiException(ErrorCode.NOT_FOUND, message, field, null);
    }

    /** A 4xx other than validation that still names the field at fault (a duplicate name: 409 ALREADY_EXISTS). */
    public static ApiException about(ErrorCode code, String field, String message) {
        return new ApiException(code, message, field, null);
    }

    /** A refusal the client should retry after {@code retryAfter} (429, 503). */
    public static ApiException retryLater(ErrorCode code, String message, Duration retryAfter) {
        return new ApiException(code, message, null, retryAfter);
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
