package io.aami.server.http;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request size limits, handshake and protocol limits, and session resumption on the TLS listener. */
class ApiLimitsTest {
    static TestServer server;
    static HttpClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_HTTP_TLS_HANDSHAKE_TIMEOUT", "1s"));
        client = TlsTestClients.trusting(server.caCertificate(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/groups"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] tenMegabytes() {
        byte[] body = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        byte[] head = "{\"name\":\"".getBytes();
        System.arraycopy(head, 0, body, 0, head.length);
        return body;
    }

    @Test
    void tenMegabytesAre413WithAndWithoutContentLength() throws Exception {
        HttpResponse<String> sized = post(HttpRequest.BodyPublishers.ofByteArray(tenMegabytes()));
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(sized.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
        // ofInputStream has no length: the client sends the body chunked, without Content-Length.
        HttpResponse<String> chunked = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tenMegabytes())));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
        assertThat(post(HttpRequest.BodyPublishers.ofString("{\"name\":\"after\"}")).statusCode()).isEqualTo(201);
    }

    @Test
    void aTlsConnectionThatNeverHandshakesIsClosed() throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", server.port()));
            raw.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            InputStream in = raw.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void onlyHttp11IsSpokenAndNoServerVersionIsSent() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TlsTestClients.context(server.caCertificate(), null)).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.headers().firstValue("Server")).isEmpty();
    }

    /** openssl as the independent witness: the JDK reports a new session id even for a resumed TLS 1.3 session. */
    @Test
    void aReconnectResumesTheTlsSession(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        boolean openssl = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, "openssl")));
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(openssl).as("openssl on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl, "openssl not installed");
        java.nio.file.Path sess = dir.resolve("session");
        assertThat(sClient("-sess_out", sess)).contains("New, TLSv1.3").contains("HTTP/1.1 200");
        assertThat(sClient("-sess_in", sess)).contains("Reused, TLSv1.3").contains("HTTP/1.1 200");
    }

    private static String sClient(String sessionFlag, java.nio.file.Path session) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-ign_eof", "-connect", "127.0.0.1:" + server.port(), "-tls1_3",
                "-CAfile", server.caCertificate().toString(), sessionFlag, session.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }

}
