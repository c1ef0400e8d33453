package io.aami.terraform.api;

/** The server refused a request: its status and the error body's code, message and field. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The request field the server named, or null. */
    public String field() {
        return field;
    }
}
