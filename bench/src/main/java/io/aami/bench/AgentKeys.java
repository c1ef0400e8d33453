package io.aami.bench;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A simulated agent's key and CSR, made as the real agent makes them ({@code agent.pki.AgentKey}: EC
 * P-256, SHA256withECDSA, subject CN=&lt;agent id&gt;), without pulling the agent module into the bench.
 */
final class AgentKeys {
    private final SecureRandom random;

    AgentKeys(SecureRandom random) {
        this.random = random;
    }

    KeyPair generate() {
        return Keys.generateEcP256(random);
    }

    String csrPem(KeyPair key, UUID agentId) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, agentId.toString()).build();
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random).build(key.getPrivate());
            return Pem.csrToPem(new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic()).build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a CSR: " + e.getMessage(), e);
        }
    }
}
