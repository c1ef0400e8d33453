package io.aami.agent.pki;

import io.aami.common.pki.PkiException;

/** The CA the server presented is not the one the operator pinned: possibly a man in the middle. */
public final class CaPinMismatchException extends PkiException {
    public CaPinMismatchException(String message) {
        super(message);
    }
}
