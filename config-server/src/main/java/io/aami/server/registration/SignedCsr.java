package io.aami.server.registration;

import io.aami.server.error.ApiException;
import io.aami.server.pki.ClientCertificates;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * An enrolling agent's CSR, signed before the enrollment's transaction (no pooled connection or row
 * lock is held while the CPU verifies and signs), or the refusal its signing met, raised only where
 * the certificate is issued so that refusals keep their order. {@code keySha256} recognises a retried
 * first enrollment by its key; null without TLS.
 */
record SignedCsr(ClientCertificates.Signed signed, ApiException refused, byte[] keySha256) {
    /** Without TLS: no certificate. */
    static final SignedCsr NONE = new SignedCsr(null, null, null);

    static SignedCsr sign(ClientCertificates certificates, UUID agentId, String csrPem) {
        byte[] key = certificates.publicKeySha256(csrPem).orElse(null);
        try {
            return new SignedCsr(certificates.sign(agentId, csrPem), null, key);
        } catch (ApiException e) {
            return new SignedCsr(null, e, key);
        }
    }

    /** Records the certificate as the agent's; null without TLS. */
    ClientCertificates.Issued issue(Connection c, ClientCertificates certificates, UUID agentId) throws SQLException {
        if (refused != null) {
            throw refused;
        }
        return certificates == null ? null : certificates.issue(c, agentId, signed);
    }
}
