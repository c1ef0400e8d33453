package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.pki.FileKeyManager;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileKeyManager} over the agent's own files as enrollment and renewal write them: nothing before enrollment,
 * the pair once both are there, the old pair kept while renewal has replaced the key but not yet the certificate.
 */
class FileKeyManagerTest {
    @TempDir
    Path dir;

    @Test
    void followsTheFilesAsEnrollmentAndRenewalReplaceThem() throws Exception {
        Path crt = dir.resolve("agent.crt");
        Path key = dir.resolve("agent.key");
        FileKeyManager km = new FileKeyManager(crt, key);
        assertThat(km.certificate()).as("before enrollment").isNull();
        assertThat(km.chooseServerAlias("EC", null, null)).isNull();

        ApiTlsFiles.Issued ca = ApiTlsFiles.ca("aami CA");
        ApiTlsFiles.Issued enrolled = ApiTlsFiles.leaf(ca, "agent");
        enrolled.write(dir, "agent");
        assertThat(km.certificate()).isEqualTo(enrolled.cert());
        String alias = km.chooseServerAlias("EC", null, null);
        assertThat(km.getPrivateKey(alias)).isEqualTo(enrolled.keys().getPrivate());
        assertThat(km.chooseServerAlias("RSA", null, null)).as("an EC key is never offered for RSA").isNull();

        ApiTlsFiles.Issued renewed = ApiTlsFiles.leaf(ca, "agent");
        // Renewal writes the key first (AgentTls.install): until the certificate follows, the old pair stays.
        PrivateFiles.write(key, Pem.privateKeyToPem(renewed.keys().getPrivate()).getBytes(StandardCharsets.US_ASCII));
        assertThat(km.certificate()).isEqualTo(enrolled.cert());
        assertThat(km.getPrivateKey(alias)).as("a handshake that chose the alias keeps a matching key").isEqualTo(enrolled.keys().getPrivate());
        PrivateFiles.writeWorldReadable(crt, Pem.certificateToPem(renewed.cert()).getBytes(StandardCharsets.US_ASCII));
        assertThat(km.certificate()).isEqualTo(renewed.cert());
        String next = km.chooseServerAlias("EC", null, null);
        assertThat(next).isNotEqualTo(alias);
        assertThat(km.getPrivateKey(next)).isEqualTo(renewed.keys().getPrivate());
        assertThat(km.getCertificateChain(alias)[0]).as("the previous alias still resolves").isEqualTo(enrolled.cert());
    }
}
