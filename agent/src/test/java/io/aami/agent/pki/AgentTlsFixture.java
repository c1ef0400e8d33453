package io.aami.agent.pki;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.testing.TestIssuer;
import io.aami.agent.util.StopSignal;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.AgentTlsNames;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/** An agent's TLS material holding what a server issued before agents' certificates could serve the local API. */
record AgentTlsFixture(AgentTls tls, TestIssuer issuer, UUID id) {
    /** {@code ca} was created by {@code CertificateAuthority.loadOrCreate(pkiDir)}, which keeps its key there. */
    static AgentTlsFixture legacy(Path dir, Path pkiDir, CertificateAuthority ca, UUID id) {
        AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), CertificateRenewerTest.RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        AgentTlsFixture f = new AgentTlsFixture(tls, TestIssuer.of(pkiDir), id);
        tls.install(Pem.certificateToPem(f.legacyFor(tls.newCsr(id))));
        return f;
    }

    /** A CSR for a fresh key. */
    static String csr(UUID id) {
        return AgentKey.generate(CertificateRenewerTest.RANDOM).csrPem(id);
    }

    /** What an older server issued for {@code csrPem}: CN and URI SAN of the agent, clientAuth only. */
    X509Certificate legacyFor(String csrPem) {
        return issuer.leaf(publicKey(csrPem), id.toString()).uri(AgentTlsNames.uri(id)).clientAuth().issue();
    }

    CertificateRenewer renewer(boolean servesLocalApi, Function<CertificateRequest, CertificateResponse> answer) {
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(id, "t", "s", Instant.now(), null, null));
        return new CertificateRenewer(tls, new CertificateRenewerTest.RenewOnly(answer), holder, new StopSignal(),
                new Retry(Duration.ofMillis(20), Duration.ofMillis(50), CertificateRenewerTest.RANDOM), Clock.systemUTC(),
                CertificateRenewerTest.RANDOM, c -> { }, new RecordingRejections(), servesLocalApi);
    }

    private static PublicKey publicKey(String csrPem) {
        try {
            return Keys.publicKeyFromSpki(Pem.parseCsr(csrPem).getSubjectPublicKeyInfo().getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
