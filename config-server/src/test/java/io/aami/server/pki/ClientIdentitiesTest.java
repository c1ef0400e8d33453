package io.aami.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.PkiException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/** A client certificate is parsed once, not on every request, and the answer is the one a fresh parse gives. */
class ClientIdentitiesTest {
    private final ClientIdentities identities = new ClientIdentities(100);

    @Test
    void aCertificateIsParsedOnceForEveryRequestThatPresentsIt() throws Exception {
        UUID id = UUID.randomUUID();
        X509Certificate cert = agent(id);
        for (int i = 0; i < 1_000; i++) {
            ClientIdentities.Identity who = identities.of(cert);
            assertThat(who.agentId()).isEqualTo(id);
            assertThat(who.serial()).isEqualTo(AgentCertificates.serialOf(cert));
        }
        assertThat(identities.parsed()).isEqualTo(1);
    }

    @Test
    void aCopyOfTheSameBytesGetsTheSameAnswerAndAnotherCertificateItsOwn() throws Exception {
        // crafted certificates all have serial 1: the answer follows the bytes, not the serial
        UUID id = UUID.randomUUID();
        X509Certificate cert = agent(id);
        X509Certificate copy = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
        UUID other = UUID.randomUUID();
        X509Certificate renewed = agent(other);

        assertThat(identities.of(cert).agentId()).isEqualTo(id);
        assertThat(identities.of(copy).agentId()).isEqualTo(id);
        assertThat(identities.of(renewed)).isEqualTo(new ClientIdentities.Identity(other, AgentCertificates.serialOf(renewed)));
        assertThat(identities.parsed()).isEqualTo(2);
    }

    @Test
    void aCertificateThatNamesNoAgentIsRefusedEveryTimeAndNotRemembered() throws Exception {
        X509Certificate server = TestPki.crafted("CN=" + UUID.randomUUID(), List.of(), KeyPurposeId.id_kp_clientAuth);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> identities.of(server)).isInstanceOf(PkiException.class).hasMessageContaining("found 0");
        }
        assertThat(identities.size()).isZero();
    }

    @Test
    void theMapStaysWithinItsBound() throws Exception {
        ClientIdentities small = new ClientIdentities(3);
        for (int i = 0; i < 10; i++) {
            small.of(agent(UUID.randomUUID()));
            assertThat(small.size()).isLessThanOrEqualTo(3);
        }
    }

    private static X509Certificate agent(UUID id) throws Exception {
        return TestPki.crafted("CN=" + id, List.of(AgentCertificates.URI_PREFIX + id), KeyPurposeId.id_kp_clientAuth);
    }
}
