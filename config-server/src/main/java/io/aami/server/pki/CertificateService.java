package io.aami.server.pki;

import io.aami.contract.ErrorCode;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import java.util.UUID;

/** The CA certificate and client-certificate renewal, or 404 for both when the server runs without TLS. */
public final class CertificateService {
    private final Database db;
    private final ClientCertificates certificates;

    /** @param certificates null when TLS is off */
    public CertificateService(Database db, ClientCertificates certificates) {
        this.db = db;
        this.certificates = certificates;
    }

    public String caPem() {
        return tlsOn().caPem();
    }

    /** Renews {@code agentId}'s certificate for the one whose serial it presented (only its current one may). */
    public ClientCertificates.Issued renew(UUID agentId, String presentedSerial, String csrPem) {
        ClientCertificates issuer = tlsOn();
        // Signed before the transaction: no pooled connection or row lock is held while the CPU signs.
        ClientCertificates.Signed signed = issuer.sign(agentId, csrPem);
        return db.inTransaction(c -> issuer.renew(c, agentId, presentedSerial, signed));
    }

    /** Fails with 404 when TLS is off (checked before anything else about a request). */
    public void requireTls() {
        tlsOn();
    }

    private ClientCertificates tlsOn() {
        if (certificates == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "this server runs without TLS (AAMI_TLS=off): there is no CA");
        }
        return certificates;
    }
}
