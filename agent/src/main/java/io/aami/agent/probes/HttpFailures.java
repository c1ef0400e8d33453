package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Which reason a failed TLS handshake is, from the JDK's exception chain (it has no error codes to read). */
final class HttpFailures {
    private HttpFailures() {
    }

    static ProbeReason tlsReason(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return ProbeReason.CERTIFICATE_EXPIRED;
            }
            if (t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return ProbeReason.CERTIFICATE_EXPIRED;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // sun.security.util.HostnameChecker's messages, the only signal the JDK gives for a name mismatch.
            if (m.contains("no subject alternative") || m.contains("no name matching")) {
                return ProbeReason.HOSTNAME_MISMATCH;
            }
        }
        return ProbeReason.TLS_ERROR;
    }
}
