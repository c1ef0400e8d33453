package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.discoveryreport.PeerChild;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent (in this JVM, discovery every second) on a host where a child process listens on one of the machine's
 * non-loopback addresses and another connects to it: the agent's report reaches the server over the discovery stream,
 * the edge resolved to the target that reported that address and its group (a loopback address is every host's own
 * and names no target: skipped on a machine with no other address); a second connection travels as a diff (the agent sent one full report only); the
 * group graph shows the edge, the uncovered list offers a probe, and the probe POSTed from it covers the edge.
 */
class DiscoveryReportEndToEndTest {
    static final String CLIENT = "aami-depclient";

    @TempDir
    Path dir;
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() {
        children.forEach(p -> {
            p.destroyForcibly();
        });
    }

    @Test
    void aScanReachesTheServerResolvedThenTravelsAsDiffsAndAProbeFromTheUncoveredListCoversIt() throws Exception {
        String peer = machineAddress();
        try (TestServer server = TestServer.start(Map.of())) {
            Api api = server.api();
            String clients = Fixtures.group(api, "clients");
            String backends = Fixtures.group(api, "backends");
            String bootstrap = Fixtures.bootstrapToken(api, 1, Map.of("group_id", backends));
            String backend = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", "backend-1",
                    "ip_address", peer), null).json().get("agent_id").asText();
            int port = Integer.parseInt(start("srv", "listen", peer).substring("port ".length()));
            start(CLIENT, "connect", peer, Integer.toString(port));

            int apiPort;
            try (ServerSocket s = new ServerSocket(0)) {
                apiPort = s.getLocalPort();
            }
            Map<String, String> env = new HashMap<>(Map.of("AAMI_SERVER_TLS_ENABLED", "false", "AAMI_DISCOVERY_INTERVAL", "1s",
                    "AAMI_API_LISTEN", "127.0.0.1:" + apiPort));
            Map<String, String> all = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(),
                    Fixtures.bootstrapToken(api, 1, Map.of("group_id", clients)));
            all.putAll(env);
            AgentConfig cfg = AgentConfigLoader.load(null, all);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                String deps = "/api/v1/targets/" + agent.agentId() + "/dependencies";
                JsonNode edge = eventuallyEdge(api, deps, peer, port);
                assertThat(edge.get("process").asText()).isEqualTo(CLIENT);
                assertThat(edge.get("peer").get("target_id").asText()).isEqualTo(backend);
                assertThat(edge.get("peer").get("group_name").asText()).isEqualTo("backends");
                assertThat(edge.get("covered_by")).isEmpty();

                int port2 = Integer.parseInt(start("srv2", "listen", peer).substring("port ".length()));
                start(CLIENT, "connect", peer, Integer.toString(port2));
                eventuallyEdge(api, deps, peer, port2);
                String metrics = scrape(apiPort);
                assertThat(metrics).contains("aami_agent_discovery_reports_total{kind=\"full\"} 1.0");
                assertThat(metrics).containsPattern("aami_agent_discovery_reports_total\\{kind=\"diff\"\\} [1-9]");

                JsonNode graph = api.get("/api/v1/dependencies?group_id=" + clients, ADMIN).json();
                assertThat(graph.get("edges").findValuesAsText("target")).contains(backends);
                JsonNode suggestion = null;
                for (JsonNode u : api.get("/api/v1/dependencies/uncovered", ADMIN).json()) {
                    if (u.get("port").asInt() == port && u.get("source_target_id").asText().equals(agent.agentId().toString())) {
                        suggestion = u.get("probe");
                    }
                }
                assertThat(suggestion).as("the edge is listed as uncovered").isNotNull();
                assertThat(api.post("/api/v1/probes", suggestion, ADMIN).status()).isEqualTo(201);
                assertThat(eventuallyEdge(api, deps, peer, port).get("covered_by")).hasSize(1);
            }
        }
    }

    private static JsonNode eventuallyEdge(Api api, String path, String peer, int port) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        eventually(Duration.ofSeconds(30), () -> {
            for (JsonNode d : api.get(path, ADMIN).json().get("upstream")) {
                if (d.get("port").asInt() == port && peer.equals(d.get("peer").get("address").asText())) {
                    found[0] = d;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /**
     * This machine's own IPv4 address, the source of its default route (a UDP connect sends nothing; a test LAN's leg
     * that another test fork made is never it); the test is skipped without one.
     */
    private static String machineAddress() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(InetAddress.getByName("198.51.100.1"), 9);
            InetAddress a = s.getLocalAddress();
            Assumptions.assumeTrue(a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isAnyLocalAddress(),
                    "no IPv4 address of this machine's besides loopback: " + a);
            return a.getHostAddress();
        } catch (IOException | UncheckedIOException e) {
            Assumptions.assumeTrue(false, "no default route: " + e);
            return null;
        }
    }

    /** A {@link PeerChild} under the process name {@code name}; returns its first line. */
    private String start(String name, String... args) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path link = dir.resolve(name);
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, java.toRealPath());
        }
        List<String> cmd = new ArrayList<>(List.of(link.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp",
                System.getProperty("java.class.path"), PeerChild.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static String scrape(int port) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    }
}
