package io.aami.server.pki;

import io.aami.common.pki.Pem;
import io.aami.server.targets.CredentialChanges;
import io.aami.server.error.ApiException;
import io.aami.contract.ErrorCode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs agents' CSRs into short-lived client certificates and records which one is current: an agent
 * has one live certificate, plus the one a renewal replaced for {@code previousGrace} (so a request
 * already under way with it, or an agent still swapping, does not fail). Enrollment retires every
 * earlier certificate at once.
 */
public final class ClientCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);
    /** A certificate as handed to the agent. */
    public record Issued(String pem, Instant expiresAt) {
    }

    private final CertificateAuthority ca;
    private final CertificateRecords records = new CertificateRecords();
    private final Duration validity;
    private final Duration previousGrace;
    private final Clock clock;

    public ClientCertificates(CertificateAuthority ca, Duration validity, Duration previousGrace, Clock clock) {
        this.ca = ca;
        this.validity = validity;
        this.previousGrace = previousGrace;
        this.clock = clock;
    }

    /**
     * A CSR signed into a certificate, not yet recorded as the agent's. Signing (and checking the CSR's
     * own signature) is the CPU-heavy part: callers do it before they take a pooled connection and the
     * row locks of their transaction, which then only records it ({@link #issue}, {@link #renew}).
     */
    public static final class Signed {
        private final X509Certificate cert;

        private Signed(X509Certificate cert) {
            this.cert = cert;
        }
    }

    /** Signs {@code csrPem} for {@code agentId}; a missing or bad CSR is a 400 on field {@code csr}. No database work. */
    public Signed sign(UUID agentId, String csrPem) {
        if (csrPem == null || csrPem.isBlank()) {
            throw ApiException.invalid("csr", "is required: this server uses TLS and issues client certificates");
        }
        try {
            return new Signed(ca.signClientCertificate(csrPem, agentId, validity));
        } catch (CsrRejectedException e) {
            throw ApiException.invalid("csr", e.getMessage());
        }
    }

    /** Records {@code signed} as the enrolling agent's certificate (every earlier one retired). */
    public Issued issue(Connection c, UUID agentId, Signed signed) throws SQLException {
        return record(c, agentId, signed, null);
    }

    /**
     * Renews over mTLS with the certificate whose serial (hex) is {@code presentedSerial}. Only the
     * current certificate may renew: a replaced one, even within its grace, would otherwise let whoever
     * copied it mint successors and push the real agent's certificate out. One exception: the retry of the
     * renewal whose answer was lost ({@link CertificateRecords.Current#answeredAgainFor}), which proves it holds the
     * current certificate's key, is answered with that same certificate, so a dropped answer does not leave the agent to
     * re-enroll with a bootstrap token, and a retry that overtakes a stalled first request changes nothing either way.
     * The check runs under the row lock, so two renewals cannot both pass it.
     */
    public Issued renew(Connection c, UUID agentId, String presentedSerial, Signed signed) throws SQLException {
        Optional<CertificateRecords.Current> current = records.lockCurrent(c, agentId);
        if (current.isPresent() && presentedSerial.equals(current.get().serial())) {
            Issued issued = record(c, agentId, signed, clock.instant().plus(previousGrace));
            // Every replica's credential cache learns the new serial the moment this commits.
            CredentialChanges.publish(c, agentId);
            return issued;
        }
        Optional<X509Certificate> again = current.flatMap(
                cur -> cur.answeredAgainFor(presentedSerial, signed.cert.getPublicKey().getEncoded(), clock.instant()));
        if (again.isEmpty()) {
            throw new ApiException(ErrorCode.CERTIFICATE_SUPERSEDED, "this client certificate has been replaced; only agent "
                    + agentId + "'s current certificate may renew");
        }
        LOG.info("agent {} renewed again with the certificate its last renewal replaced and that renewal's key (its answer"
                + " was lost): answered with the same certificate, serial {}", agentId, current.get().serial());
        return new Issued(Pem.certificateToPem(again.get()), again.get().getNotAfter().toInstant());
    }

    private Issued record(Connection c, UUID agentId, Signed signed, Instant previousUntil) throws SQLException {
        X509Certificate cert = signed.cert;
        records.record(c, agentId, cert, previousUntil);
        return new Issued(Pem.certificateToPem(cert), cert.getNotAfter().toInstant());
    }

    /**
     * SHA-256 of the public key (DER SubjectPublicKeyInfo) in {@code csrPem}, to recognise a retried
     * registration by its key; empty if it is no CSR at all ({@link #issue} then refuses it with a 400).
     */
    public Optional<byte[]> publicKeySha256(String csrPem) {
        if (csrPem == null || csrPem.length() > CsrValidator.MAX_PEM_CHARS) {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageDigest.getInstance("SHA-256").digest(Pem.parseCsr(csrPem).getSubjectPublicKeyInfo().getEncoded()));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public String caPem() {
        return ca.pem();
    }
}
