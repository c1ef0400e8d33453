package io.aami.terraform.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.terraform.proto.HealthGrpc;
import io.aami.terraform.resources.Catalog;
import io.aami.terraform.proto.HealthProto.HealthCheckRequest;
import io.aami.terraform.proto.HealthProto.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * go-plugin's automatic mTLS as the plugin serves it: the certificate we write ourselves (read back by the
 * JDK, field by field), and a real TLS server on a real port that answers Terraform's certificate and refuses
 * any other one, or none.
 */
class AutoMtlsTest {
    @Test
    void theCertificateIsASelfSignedCaForLocalhostValidNow() throws Exception {
        KeyPair kp = AutoMtls.newKey();
        X509Certificate c = AutoMtls.selfSigned(kp);
        c.verify(kp.getPublic());
        c.checkValidity();
        c.checkValidity(new Date(System.currentTimeMillis() + 9L * 365 * 24 * 3600 * 1000));
        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getSerialNumber().signum()).isPositive();
        assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("O=aami terraform provider,CN=localhost");
        assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
        assertThat(c.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        // digitalSignature, keyEncipherment, keyCertSign
        assertThat(c.getKeyUsage()).startsWith(true, false, true, false, false, true, false);
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(c.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(AutoMtls.selfSigned(kp).getSerialNumber()).isNotEqualTo(c.getSerialNumber());
    }

    @Test
    void derTimesSwitchToGeneralizedTimeIn2050AndLengthsUseLongForm() {
        assertThat(new String(Der.time(2524607999L), StandardCharsets.US_ASCII)).endsWith("491231235959Z"); // 2049-12-31
        assertThat(new String(Der.time(2524608000L), StandardCharsets.US_ASCII)).endsWith("20500101000000Z");
        assertThat(Der.time(2524607999L)[0]).isEqualTo((byte) 0x17);
        assertThat(Der.time(2524608000L)[0]).isEqualTo((byte) 0x18);
        assertThat(Der.octets(new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c);
        assertThat(Der.octets(new byte[127])).startsWith(0x04, 0x7f);
        assertThat(Der.oid("1.2.840.10045.4.3.2")).containsExactly(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
    }

    @Test
    void onlyTerraformsCertificateGetsAnAnswer() throws Exception {
        KeyPair terraformKey = p521();
        X509Certificate terraform = AutoMtls.selfSigned(terraformKey);
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        PluginServer server = PluginServer.start(new ProviderService(new Catalog(), name -> null), () -> AutoMtls.forClient(pem(terraform)),
                new PrintStream(handshake, true, StandardCharsets.UTF_8));
        try {
            String[] line = handshake.toString(StandardCharsets.UTF_8).trim().split("\\|");
            assertThat(line).hasSize(6);
            X509Certificate serverCert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(line[5])));

            assertThat(check(server.port(), serverCert, terraformKey, terraform)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            KeyPair otherKey = p521();
            assertThatThrownBy(() -> check(server.port(), serverCert, otherKey, AutoMtls.selfSigned(otherKey)))
                    .isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> check(server.port(), serverCert, null, null)).isInstanceOf(StatusRuntimeException.class);
            // Terraform's certificate without its key: TLS's proof of possession fails.
            assertThatThrownBy(() -> check(server.port(), serverCert, otherKey, terraform)).isInstanceOf(StatusRuntimeException.class);
        } finally {
            server.stop(0);
        }
    }

    /** go-plugin's client certificates are on P-521. */
    private static KeyPair p521() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp521r1"));
        return g.generateKeyPair();
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    private static HealthCheckResponse.ServingStatus check(int port, X509Certificate server, KeyPair key, X509Certificate cert)
            throws Exception {
        SslContextBuilder tls = SslContextBuilder.forClient().trustManager(server);
        if (key != null) {
            tls.keyManager(key.getPrivate(), cert);
        }
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.configure(tls, SslProvider.JDK).build()).build();
        try {
            return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("plugin").build()).getStatus();
        } finally {
            ch.shutdownNow();
        }
    }
}
