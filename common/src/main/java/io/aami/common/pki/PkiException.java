package io.aami.common.pki;

/**
 * Key or certificate material that cannot be used: unreadable, malformed, mismatched or of an
 * unsupported kind. The message names the file or parameter at fault and never contains key bytes.
 */
public class PkiException extends RuntimeException {
    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
