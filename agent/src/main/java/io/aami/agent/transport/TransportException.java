package io.aami.agent.transport;

import java.time.Duration;

/**
 * A call to the server that did not succeed. {@code status} 0 means no answer at all (refused,
 * timed out, TLS failure); otherwise it is the HTTP status with the server's error code.
 */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The code of a server refused in the TLS handshake because its certificate is not trusted (status 0). */
    public static final String UNTRUSTED_SERVER = "UNTRUSTED_SERVER";

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public TransportException(int status, String code, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code == null ? "" : code;
        this.retryAfter = retryAfter;
    }

    public static TransportException unreachable(String message, Throwable cause) {
        return new TransportException(0, "UNREACHABLE", message, null, cause);
    }

    /**
     * Whether a failed call failed because this agent refused the server's certificate: a TLS handshake our trust
     * manager ended (a {@link java.security.cert.CertificateException} among the causes: a chain to another CA, the
     * wrong name, an agent's certificate), as opposed to a server that refused our certificate or did not answer.
     */
    static boolean untrustedServer(Throwable e) {
        boolean handshake = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            handshake |= t instanceof javax.net.ssl.SSLHandshakeException;
            if (handshake && t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The server's {@code Retry-After}, if it sent one. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Worth retrying as is: no answer, 5xx, 429 or 408 (what that means for a loop: {@code retry.Failure}). */
    public boolean transientFailure() {
        return status == 0 || status >= 500 || status == 429 || status == 408;
    }
}
