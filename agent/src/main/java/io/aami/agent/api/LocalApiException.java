package io.aami.agent.api;

/** A refusal by the local API, answered as {@code {"error","code","field"}} with {@code status}. */
public final class LocalApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    public LocalApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /** @param field the request field or header at fault, or null */
    public LocalApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static LocalApiException badRequest(String code, String message) {
        return new LocalApiException(400, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
