package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.common.json.WireJson;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local API over TLS ({@code api.tls}) on a real socket: served to a client that trusts its CA (Java and curl),
 * the token still required on top; a plain HTTP request refused; with {@code api.tls.client_ca_file}, a client
 * without a certificate of that CA refused in the handshake; a replaced certificate presented without a restart.
 * The curl parts are skipped without curl unless AAMI_REQUIRE_TOOLS is set.
 */
class LocalApiTlsTest {
    private static final String TOKEN = "a-full-token-of-enough-length";

    @TempDir
    Path dir;
    private ApiTlsFiles.Issued ca;
    private Path cert;
    private Path key;
    private LocalApi api;

    @BeforeEach
    void pki() throws Exception {
        ca = ApiTlsFiles.ca("api test CA");
        Path[] files = ApiTlsFiles.leaf(ca, "agent api").write(dir, "api");
        cert = files[0];
        key = files[1];
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private LocalApi start(Path clientCa) {
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, TOKEN).withTls(new AgentConfig.ApiTls(true, cert, key, clientCa)),
                WireJson.mapper(), new StatusRoutes(new AgentMetrics(), new CredentialHolder(), UUID.randomUUID()).routes(),
                Executors.newFixedThreadPool(2));
        return api;
    }

    private HttpResponse<String> get(SSLContext ctx, String bearer) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/healthz"))
                .timeout(Duration.ofSeconds(5));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJavaClientTrustingTheCaIsServedAndTheTokenStillApplies() throws Exception {
        start(null);
        SSLContext trusting = ApiTlsFiles.client(ca.cert(), null);
        assertThat(get(trusting, TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(trusting, null).statusCode()).as("TLS does not replace api.token").isEqualTo(401);
        assertThatThrownBy(() -> get(ApiTlsFiles.client(ApiTlsFiles.ca("another CA").cert(), null), TOKEN))
                .as("a client that does not trust the certificate's CA").isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoHttpAnswer() throws Exception {
        start(null);
        try (Socket s = new Socket("127.0.0.1", api.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(readSome(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotStartWith("HTTP/").doesNotContain("\"status\"");
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateItSignedAreServed() throws Exception {
        ApiTlsFiles.Issued clientCa = ApiTlsFiles.ca("scheduler CA");
        Path clientCaFile = Files.writeString(dir.resolve("client-ca.crt"),
                io.aami.common.pki.Pem.certificateToPem(clientCa.cert()));
        start(clientCaFile);
        assertThat(get(ApiTlsFiles.client(ca.cert(), ApiTlsFiles.leaf(clientCa, "scheduler")), TOKEN).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(ApiTlsFiles.client(ca.cert(), null), TOKEN)).as("no client certificate")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(ApiTlsFiles.client(ca.cert(), ApiTlsFiles.leaf(ca, "other")), TOKEN))
                .as("a client certificate of another CA").isInstanceOf(IOException.class);
    }

    @Test
    void aReplacedCertificateIsPresentedWithoutARestart() throws Exception {
        start(null);
        X509Certificate first = presented(ApiTlsFiles.client(ca.cert(), null));
        ApiTlsFiles.Issued renewed = ApiTlsFiles.leaf(ca, "agent api renewed");
        renewed.write(dir, "api");
        // A new client context: one that resumed its earlier session would see that session's certificate.
        SSLContext trusting = ApiTlsFiles.client(ca.cert(), null);
        X509Certificate second = presented(trusting);
        assertThat(second.getSerialNumber()).isEqualTo(renewed.cert().getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(get(trusting, TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void curlWithTheCaFileIsServedAndTheClientCertificateRuleHolds() throws Exception {
        Path curl = tool("curl");
        ApiTlsFiles.Issued clientCa = ApiTlsFiles.ca("prometheus CA");
        Path clientCaFile = Files.writeString(dir.resolve("client-ca.crt"),
                io.aami.common.pki.Pem.certificateToPem(clientCa.cert()));
        Path caFile = Files.writeString(dir.resolve("ca.crt"), io.aami.common.pki.Pem.certificateToPem(ca.cert()));
        Path[] client = ApiTlsFiles.leaf(clientCa, "prometheus").write(dir, "client");
        start(null);
        assertThat(curl(curl, "--cacert", caFile.toString())).isEqualTo("200");
        api.close();
        start(clientCaFile);
        assertThat(curl(curl, "--cacert", caFile.toString())).as("without a client certificate").isNotEqualTo("200");
        assertThat(curl(curl, "--cacert", caFile.toString(), "--cert", client[0].toString(), "--key", client[1].toString()))
                .isEqualTo("200");
    }

    /** The status code curl saw ({@code 000} or its error when the connection failed). */
    private String curl(Path curl, String... tls) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(curl.toString(), "-sS", "--max-time", "5", "-o", "/dev/null",
                "-w", "%{http_code}", "-H", "Authorization: Bearer " + TOKEN));
        cmd.addAll(List.of(tls));
        cmd.add("https://127.0.0.1:" + api.port() + "/healthz");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private X509Certificate presented(SSLContext ctx) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", api.port())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static byte[] readSome(InputStream in) {
        try {
            return in.readNBytes(64);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** {@code name} on PATH; skips the test without it unless AAMI_REQUIRE_TOOLS is set. */
    static Path tool(String name) {
        String path = System.getenv("PATH");
        Path found = path == null ? null : List.of(path.split(File.pathSeparator)).stream().map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(found).as(name + " on PATH (AAMI_REQUIRE_TOOLS is set)").isNotNull();
        }
        assumeTrue(found != null, name + " not installed");
        return found;
    }
}
