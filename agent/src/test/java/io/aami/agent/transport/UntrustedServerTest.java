package io.aami.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aami.agent.pki.ReloadableKeyManager;
import io.aami.agent.pki.TlsContexts;
import io.aami.agent.probes.TestPki;
import io.aami.agent.testing.Scrapes;
import io.aami.common.json.WireJson;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A config-server whose certificate does not chain to the CA the agent pinned (a replica with a CA of its own, or
 * someone in between) is refused in the handshake and told apart from one that does not answer: the loop moves on
 * and the refusal is counted for that address ({@code aami_agent_server_untrusted_total}).
 */
class UntrustedServerTest {
    @Test
    void aServerOfAnotherCaIsRefusedCountedAndLeft() throws Exception {
        TestPki.Issued ours = TestPki.ca("agent's CA");
        TestPki.Issued theirs = TestPki.ca("another CA");
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(TestPki.validLeaf(theirs, "localhost"), theirs)));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        String address = "localhost:" + server.getAddress().getPort();
        try {
            TransportException refused = catchThrowableOfType(() -> transport(address, ours.cert()).fetchPolicyKey(),
                    TransportException.class);
            assertThat(refused.code()).isEqualTo(TransportException.UNTRUSTED_SERVER);
            assertThat(refused.status()).as("no answer: the loop retries, and moves on").isZero();
            assertThat(refused.getMessage()).contains("refused https://" + address, "not one the agent trusts");

            TransportException answered = catchThrowableOfType(() -> transport(address, theirs.cert()).fetchPolicyKey(),
                    TransportException.class);
            assertThat(answered.status()).as("the same server, trusted, answers").isEqualTo(404);

            PrometheusRegistry registry = new PrometheusRegistry();
            ServerChoice choice = new ServerChoice("heartbeat", List.of(address, "b:2"), 0, new FailoverMetrics(registry));
            choice.failed(0, refused);
            assertThat(choice.current()).isEqualTo(1);
            assertThat(Scrapes.text(registry)).contains("aami_agent_server_untrusted_total{address=\"" + address + "\"} 1.0")
                    .contains("aami_agent_server_untrusted_total{address=\"b:2\"} 0.0");
        } finally {
            server.stop(0);
        }
        TransportException gone = catchThrowableOfType(() -> transport(address, ours.cert()).fetchPolicyKey(),
                TransportException.class);
        assertThat(gone.code()).as("a server that is not there is unreachable, not untrusted").isEqualTo("UNREACHABLE");
    }

    private static RestTransport transport(String address, X509Certificate ca) {
        SSLContext ctx = TlsContexts.client(ca, new ReloadableKeyManager());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(ctx).sslParameters(TlsContexts.clientParameters(ctx)).build();
        return new RestTransport(URI.create("https://" + address), new HttpClients.Set(() -> client, () -> client, () -> client, true),
                WireJson.mapper(1 << 20), Duration.ofSeconds(5));
    }
}
