package io.aami.server.pki;

import io.aami.common.pki.PkiException;

/**
 * A certificate signing request the CA will not sign: malformed, not self-signed by its key, or
 * with a key type or size we do not accept. The agent sent something wrong; answer 400 with the
 * message, which names the problem and contains no key material.
 */
public final class CsrRejectedException extends PkiException {
    public CsrRejectedException(String message) {
        super(message);
    }

    public CsrRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
