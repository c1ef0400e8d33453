package io.aami.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.PkiException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

class AgentCertificatesTest {
    private final UUID id = UUID.fromString("0b6a3c1e-5f2d-4e8a-9c7b-1a2b3c4d5e6f");
    private final String uri = "urn:aami:agent:" + id;

    @Test
    void readsTheAgentIdFromAConsistentCertificate() throws Exception {
        assertThat(AgentCertificates.agentIdOf(TestPki.crafted("CN=" + id, List.of("https://x", uri),
                KeyPurposeId.id_kp_clientAuth))).isEqualTo(id);
    }

    @Test
    void rejectsCertificatesThatDoNotNameExactlyOneAgent() throws Exception {
        UUID other = UUID.randomUUID();
        expectRejected(TestPki.crafted("CN=" + id, List.of(), KeyPurposeId.id_kp_clientAuth), "found 0");
        expectRejected(TestPki.crafted("CN=" + id, List.of(uri, "urn:aami:agent:" + other),
                KeyPurposeId.id_kp_clientAuth), "found 2");
        expectRejected(TestPki.crafted("CN=" + other, List.of(uri), KeyPurposeId.id_kp_clientAuth), "does not match");
        expectRejected(TestPki.crafted("O=aami", List.of(uri), KeyPurposeId.id_kp_clientAuth), "exactly one subject CN");
        expectRejected(TestPki.crafted("CN=1-1-1-1-1", List.of("urn:aami:agent:1-1-1-1-1"),
                KeyPurposeId.id_kp_clientAuth), "does not hold a UUID");
        expectRejected(TestPki.crafted("CN=" + id.toString().toUpperCase(),
                List.of("urn:aami:agent:" + id.toString().toUpperCase()), KeyPurposeId.id_kp_clientAuth), "UUID");
    }

    @Test
    void rejectsCertificatesNotMeantForClientAuthentication() throws Exception {
        expectRejected(TestPki.crafted("CN=" + id, List.of(uri), KeyPurposeId.id_kp_serverAuth), "not a TLS client");
        expectRejected(TestPki.crafted("CN=" + id, List.of(uri), null), "not a TLS client");
    }

    private static void expectRejected(X509Certificate cert, String reason) {
        assertThatThrownBy(() -> AgentCertificates.agentIdOf(cert)).isInstanceOf(PkiException.class)
                .hasMessageContaining(reason);
    }
}
