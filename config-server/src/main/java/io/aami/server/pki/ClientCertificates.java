package io.aami.server.pki;

import io.aami.common.pki.Pem;
import io.aami.server.http.ApiException;
import io.aami.server.targets.TargetStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Signs agents' CSRs into short-lived client certificates and records what was issued. */
public final class ClientCertificates {
    /** A certificate as handed to the agent. */
    public record Issued(String pem, Instant expiresAt) {
    }

    private final CertificateAuthority ca;
    private final TargetStore targets;
    private final Duration validity;

    public ClientCertificates(CertificateAuthority ca, TargetStore targets, Duration validity) {
        this.ca = ca;
        this.targets = targets;
        this.validity = validity;
    }

    /** Issues a certificate for {@code agentId} from {@code csrPem}; a bad CSR is a 400 on field {@code csr}. */
    public Issued issue(Connection c, UUID agentId, String csrPem) throws SQLException {
        if (csrPem == null || csrPem.isBlank()) {
            throw ApiException.invalid("csr", "is required: this server uses TLS and issues client certificates");
        }
        X509Certificate cert;
        try {
            cert = ca.signClientCertificate(csrPem, agentId, validity);
        } catch (CsrRejectedException e) {
            throw ApiException.invalid("csr", e.getMessage());
        }
        Instant expires = cert.getNotAfter().toInstant();
        targets.recordCertificate(c, agentId, cert.getSerialNumber().toString(16), expires);
        return new Issued(Pem.certificateToPem(cert), expires);
    }

    public String caPem() {
        return ca.pem();
    }
}
