package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.testing.TestIssuer;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.AgentTlsNames;
import io.aami.server.pki.CertificateAuthority;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code api.tls} with the agent's own certificate, as the README shows it, against a real server and agent: curl
 * with the server's CA reaches {@code /metrics} as {@code <uuid>.agent.aami.internal} and as
 * {@code agent.aami.internal} and fails for another agent's name or the bare address; the real Prometheus scrapes it
 * with the README's scrape config, {@code tls_config: {ca_file, server_name: agent.aami.internal}} (up 1; the same job
 * with another server name: up 0); a Java client trusting the CA (the name given as SNI) runs {@code /run_tasks}; with
 * {@code api.tls.client_ca_file} a client without a certificate is refused in the handshake. Curl and Prometheus are
 * skipped when not installed, unless AAMI_REQUIRE_TOOLS is set.
 */
class LocalApiDefaultTlsEndToEndTest {
    @TempDir
    Path dir;
    @TempDir
    Path prometheusDir;

    @Test
    void curlPrometheusAndJavaReachTheApiByTheAgentsNamesWithTheServersCa() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"));
             ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String token = Fixtures.bootstrapToken(server.api(), 2, Map.of());
            int port = ServerFailoverEndToEndTest.freePort();
            Path ca = server.caCertificate();
            UUID id;
            try (Agent agent = start(server, token, port, Map.of())) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(30), "the agent enrolled and its API serves its certificate",
                        () -> "200".equals(curl(ca, AgentTlsNames.dnsName(id), port, "/metrics")));
                assertThat(curl(ca, AgentTlsNames.DOMAIN, port, "/metrics")).isEqualTo("200");
                assertThat(curl(ca, AgentTlsNames.dnsName(UUID.randomUUID()), port, "/metrics")).as("another agent's name")
                        .doesNotStartWith("200").contains("no alternative certificate subject name matches");
                assertThat(curlAddress(ca, port)).as("the bare address: not a name the certificate carries").doesNotStartWith("200");

                assertThat(prometheusUp(ca, port)).as("up by server_name: agent.aami.internal, and by a wrong one")
                        .containsExactly("aami-agents-api=1", "wrong-name=0");

                SSLContext trusting = client(ca, null);
                assertThat(runTasks(trusting, AgentTlsNames.DOMAIN, port, open.getLocalPort()).body()).contains("\"success\":true");
                // A fresh context: the first one's cached session would be resumed without a certificate check.
                assertThatThrownBy(() -> runTasks(client(ca, null), null, port, open.getLocalPort()))
                        .as("without the name (no IP SAN)").isInstanceOf(IOException.class);
            }
            // Again with a scheduler CA: its clients are served, a client without a certificate is refused.
            Path schedulerPki = Files.createDirectories(dir.resolve("scheduler-pki"));
            CertificateAuthority.loadOrCreate(schedulerPki, Clock.systemUTC(), new SecureRandom());
            try (Agent agent = start(server, token, port, Map.of("AAMI_API_TLS_CLIENT_CA_FILE", schedulerPki.resolve("ca.crt").toString()))) {
                TestIssuer scheduler = TestIssuer.of(schedulerPki);
                KeyPair keys = Keys.generateEcP256(new SecureRandom());
                X509Certificate cert = scheduler.leaf(keys.getPublic(), "scheduler").clientAuth().issue();
                SSLContext withCert = client(ca, new Identity(keys, cert));
                eventually(Duration.ofSeconds(30), "the restarted API serves a scheduler's client",
                        () -> served(withCert, port, open.getLocalPort()));
                assertThatThrownBy(() -> runTasks(client(ca, null), AgentTlsNames.DOMAIN, port, open.getLocalPort()))
                        .as("no client certificate").isInstanceOf(IOException.class);
                assertThat(curl(ca, AgentTlsNames.DOMAIN, port, "/metrics")).as("curl without a client certificate")
                        .doesNotStartWith("200");
            }
        }
    }

    private Agent start(TestServer server, String token, int apiPort, Map<String, String> extra) throws Exception {
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + server.port(), token));
        env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate())));
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
        env.put("AAMI_API_TLS_ENABLED", "true");
        env.putAll(extra);
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        return AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
    }

    /** The README's curl line: the name resolved to 127.0.0.1, the server's CA; the status, or curl's error. */
    static String curl(Path ca, String name, int port, String path) {
        return run(List.of(tool("curl"), "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                ca.toString(), "--resolve", name + ":" + port + ":127.0.0.1", "https://" + name + ":" + port + path));
    }

    private static String curlAddress(Path ca, int port) {
        return run(List.of(tool("curl"), "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                ca.toString(), "https://127.0.0.1:" + port + "/metrics"));
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The README's scrape config in a real Prometheus, and the same job with a server name the certificate does not
     * carry; each job's {@code up} once both have been scraped, as {@code job=value}.
     */
    private List<String> prometheusUp(Path ca, int apiPort) throws Exception {
        String binary = tool("prometheus");
        int port = ServerFailoverEndToEndTest.freePort();
        Path config = prometheusDir.resolve("prometheus.yml");
        // The README's scrape config as printed (its files and target here), and the same job with another name.
        Path tokenFile = Files.writeString(prometheusDir.resolve("metrics.token"), "unused-without-api-token\n");
        String readme = readmeBlock("```yaml\n# prometheus.yml: every agent by its address")
                .replace("/etc/prometheus/aami-ca.crt", ca.toString())
                .replace("/etc/prometheus/aami-agent-metrics.token", tokenFile.toString())
                .replace("10.0.0.5:8469", "127.0.0.1:" + apiPort);
        String wrongName = readme.substring(readme.indexOf("  - job_name:")).replace("aami-agents-api", "wrong-name")
                .replace("server_name: " + AgentTlsNames.DOMAIN, "server_name: localhost");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n" + readme + wrongName);
        Process p = new ProcessBuilder(binary, "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + prometheusDir.resolve("tsdb"), "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(prometheusDir.resolve("prometheus.log").toFile()).start();
        try {
            List<String> up = new ArrayList<>();
            eventually(Duration.ofSeconds(60), "prometheus scraped both jobs", () -> {
                up.clear();
                up.addAll(PrometheusQuery.values(port, "up", "job"));
                return up.size() == 2;
            }, () -> prometheusDir.resolve("prometheus.log").toFile().exists() ? read(prometheusDir.resolve("prometheus.log")) : "");
            eventually(Duration.ofSeconds(30), "the agent's own series came through",
                    () -> !PrometheusQuery.values(port, "aami_agent_enrolled{job=\"aami-agents-api\"}", "job").isEmpty());
            return up.stream().sorted().toList();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static boolean served(SSLContext ctx, int port, int targetPort) {
        try {
            return runTasks(ctx, AgentTlsNames.DOMAIN, port, targetPort).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** {@code /run_tasks} with one TCP probe to {@code targetPort}; {@code sni} null: no server name but the address. */
    private static HttpResponse<String> runTasks(SSLContext ctx, String sni, int port, int targetPort) throws Exception {
        SSLParameters params = ctx.getDefaultSSLParameters();
        if (sni != null) {
            // The JDK client sends no SNI for an address, so this name is what its hostname check verifies.
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        HttpClient http = HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
        String body = "[{\"task_id\":\"t1\",\"target_ip\":\"127.0.0.1\",\"target_port\":" + targetPort
                + ",\"protocol\":\"TCP\",\"timeout_ms\":2000}]";
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/run_tasks"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client's key and certificate. */
    private record Identity(KeyPair keys, X509Certificate cert) {
    }

    /** Trusts the CA in {@code caFile} only; presents {@code identity} when not null. */
    private static SSLContext client(Path caFile, Identity identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(caFile));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("me", identity.keys().getPrivate(), "pw".toCharArray(), new X509Certificate[] {identity.cert()});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The README's code block that starts with {@code opening} (fence and first line), without its fences. */
    private static String readmeBlock(String opening) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf(opening);
        assertThat(start).as("README.md has a block starting " + opening).isNotNegative();
        int body = readme.indexOf('\n', start) + 1;
        return readme.substring(body, readme.indexOf("```", body));
    }

    private static String tool(String name) {
        return PrometheusDiscoveryEndToEndTest.tool(name).toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
