package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.PkiException;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadableKeyManagerTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    CertificateAuthority ca;

    @BeforeEach
    void setUp() {
        ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC(), RANDOM);
    }

    private X509Certificate certFor(AgentKey key) {
        UUID id = UUID.randomUUID();
        return ca.signClientCertificate(key.csrPem(id), id, Duration.ofDays(1));
    }

    @Test
    void offersNothingBeforeTheFirstCertificate() {
        ReloadableKeyManager km = new ReloadableKeyManager();
        assertThat(km.chooseClientAlias(new String[] {"EC"}, null, null)).isNull();
        assertThat(km.chooseEngineClientAlias(new String[] {"EC"}, null, null)).isNull();
        assertThat(km.certificate()).isEmpty();
    }

    @Test
    void offersItsIdentityOnlyForAMatchingKeyType() {
        AgentKey key = AgentKey.generate(RANDOM);
        ReloadableKeyManager km = new ReloadableKeyManager(key.privateKey(), List.of(certFor(key)));

        assertThat(km.chooseEngineClientAlias(new String[] {"RSA"}, null, null)).isNull();
        String alias = km.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null);
        assertThat(alias).isNotNull();
        assertThat(km.getPrivateKey(alias)).isEqualTo(key.privateKey());
        assertThat(km.getCertificateChain(alias)).hasSize(1);
        assertThat(km.chooseServerAlias("EC", null, null)).isNull();
    }

    @Test
    void anAliasChosenBeforeASwapStillYieldsAMatchingKeyAndChain() {
        AgentKey oldKey = AgentKey.generate(RANDOM);
        X509Certificate oldCert = certFor(oldKey);
        ReloadableKeyManager km = new ReloadableKeyManager(oldKey.privateKey(), List.of(oldCert));
        String oldAlias = km.chooseClientAlias(new String[] {"EC"}, null, null);

        AgentKey newKey = AgentKey.generate(RANDOM);
        km.update(newKey.privateKey(), List.of(certFor(newKey)));

        assertThat(km.getPrivateKey(oldAlias)).isEqualTo(oldKey.privateKey());
        assertThat(km.getCertificateChain(oldAlias)).containsExactly(oldCert);
        String newAlias = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(newAlias).isNotEqualTo(oldAlias);
        assertThat(km.getPrivateKey(newAlias)).isEqualTo(newKey.privateKey());
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() {
        AgentKey key = AgentKey.generate(RANDOM);
        X509Certificate someoneElses = certFor(AgentKey.generate(RANDOM));
        ReloadableKeyManager km = new ReloadableKeyManager();

        assertThatThrownBy(() -> km.update(key.privateKey(), List.of(someoneElses))).isInstanceOf(PkiException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> km.update(key.privateKey(), List.of())).isInstanceOf(PkiException.class);
        assertThat(km.certificate()).isEmpty();
    }
}
