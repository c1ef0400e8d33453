package io.aami.agent.api;

/** A refusal by the local API, answered as {@code {"error","code"}} with {@code status}. */
public final class LocalApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public LocalApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
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
}
