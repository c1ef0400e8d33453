package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.discovery.HostChild;
import io.aami.agent.discovery.HostChildren;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.NetnsHost;
import io.aami.server.testing.NetnsLan;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's cross-host edge end to end, on two {@link NetnsLan} test hosts (skipped without root and iproute2): a
 * real config-server (TLS, real PostgreSQL) on the test's leg of the LAN, and on each host a real agent process
 * enrolled by a bootstrap token into its group ({@code web} on A, {@code db} on B), discovery every second with the
 * report stream on. B runs a service ({@link HostChild}), A a client of it over IPv4 and IPv6, its connection to B's
 * closing listener left in CLOSE_WAIT. Everything is read back through the admin API only: B's listener, the edge
 * resolved from both ends to the other target and group (the heartbeat's source and the enrollment's address are
 * the host's LAN address), the group graph's web→db edge, the uncovered list's probe, which once POSTed covers the
 * edge, and the edge on the server's {@code /metrics}. The IPv6 edge is named by the {@code discovery.inventory}
 * range holding it, in one spelling: a target is known by one address per family it reached the server from.
 */
class DiscoveryNetnsEndToEndTest {
    static final String SERVICE = "aami-nsdb";
    static final String CLIENT = "aami-nsweb";
    static final String LIAR = "liar";
    static final Duration PATIENCE = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    static NetnsLan lan;
    static TestServer server;
    static Api api;
    static final List<Process> children = new ArrayList<>();
    static final List<Process> agents = new ArrayList<>();
    static NetnsHost a;
    static NetnsHost b;
    static String web;
    static String db;
    static String agentA;
    static String agentB;
    static int[] ports;
    static Impostor impostor;

    @BeforeAll
    static void fleet() throws Exception {
        lan = NetnsLan.create();
        // As /var/lib is: the agents run check scripts as 'nobody', who must pass through on the way to their state dirs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        a = lan.addHost();
        b = lan.addHost();
        String v6Lan = lan.rootAddressV6().replaceAll("::1$", "::/64");
        server = TestServer.start(Map.of("AAMI_LISTEN", lan.rootAddress() + ":0", "AAMI_TLS", "on",
                "AAMI_TLS_SERVER_NAMES", lan.rootAddress(), "AAMI_HEARTBEAT_INTERVAL", "2s",
                "AAMI_DISCOVERY_INVENTORY", v6Lan + "=lan-v6", "AAMI_DISCOVERY_METRICS_MIN_CONNECTIONS", "1"));
        api = new Api("https://" + lan.rootAddress() + ":" + server.port(), TlsTestClients.trusting(server.caCertificate(), null));
        web = Fixtures.group(api, "web");
        db = Fixtures.group(api, "db");
        Process service = child(b, SERVICE, b.address(), b.addressV6());
        ports = HostChildren.ready(service);
        HostChildren.ready(child(a, CLIENT, a.address(), a.addressV6(), b.address(), "" + ports[0], "" + ports[4], b.addressV6(), "" + ports[1]));
        impostor = impostor("impostor-4", b.address());
        impostor("impostor-6", b.addressV6());
        agentB = agent(b, "db-1", db);
        agentA = agent(a, "web-1", web);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
        }
        for (Process p : children) {
            p.waitFor(20, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (lan != null) {
            lan.close();
        }
    }

    @Test
    void theCrossHostEdgeIsResolvedFromBothEndsGraphedOfferedAsAProbeAndCoveredByIt() throws Exception {
        JsonNode service = await("/api/v1/targets/" + agentB + "/services", "services",
                s -> s.get("process").asText().equals(SERVICE) && s.get("port").asInt() == ports[0]);
        assertThat(service.get("bind").asText()).isEqualTo(b.address());
        assertThat(service.get("protocol").asText()).isEqualTo("tcp");

        JsonNode up = await("/api/v1/targets/" + agentA + "/dependencies", "upstream", resolved(ports[0]));
        assertThat(up.get("process").asText()).isEqualTo(CLIENT);
        assertPeer(up.get("peer"), b.address(), agentB, db, "db");
        JsonNode down = await("/api/v1/targets/" + agentB + "/dependencies", "downstream", resolved(ports[0]));
        assertThat(down.get("process").asText()).isEqualTo(SERVICE);
        assertPeer(down.get("peer"), a.address(), agentA, web, "web");

        JsonNode v6 = await("/api/v1/targets/" + agentA + "/dependencies", "upstream", byPort(ports[1])).get("peer");
        assertThat(v6.get("address").asText()).isEqualTo(b.addressV6());
        assertThat(v6.get("kind").asText()).isEqualTo("external");
        assertThat(v6.get("name").asText()).isEqualTo("lan-v6");

        JsonNode closeWait = await("/api/v1/targets/" + agentA + "/connections", "connections",
                s -> s.get("state").asText().equals("CLOSE_WAIT") && s.get("remote_port").asInt() == ports[4]);
        assertThat(closeWait.get("process").asText()).isEqualTo(CLIENT);
        assertThat(closeWait.get("remote_address").asText()).isEqualTo(b.address());

        JsonNode edge = graphEdge();
        assertThat(edge.get("connections").asLong()).isEqualTo(1);
        assertThat(edge.get("hosts").asInt()).isEqualTo(1);
        assertThat(edge.get("covered").asBoolean()).isFalse();
        assertThat(metrics()).contains(series("aami_dependency_connections", 1)).contains(series("aami_dependency_covered", 0));

        JsonNode probe = uncovered();
        assertThat(probe).as("the web→db edge is listed as uncovered").isNotNull();
        assertThat(probe.get("group_id").asText()).isEqualTo(web);
        assertThat(probe.get("target_group_id").asText()).isEqualTo(db);
        Api.Reply created = api.post("/api/v1/probes", probe, ADMIN);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(uncovered()).as("covered by the probe made from it").isNull();
        assertThat(graphEdge().get("covered").asBoolean()).isTrue();
        assertThat(await("/api/v1/targets/" + agentA + "/dependencies", "upstream", byPort(ports[0])).get("covered_by"))
                .extracting(JsonNode::asText).containsExactly(created.json().get("id").asText());
        assertThat(metrics()).contains(series("aami_dependency_connections", 1)).contains(series("aami_dependency_covered", 1));
    }

    /**
     * A host that lies: enrolled claiming B's addresses (the IPv4 one B heartbeats from, and the IPv6 one in an inventory
     * range), it reports B's service as its own and a connection from A. Its rows stay its own; B is still who its
     * address names, the range still names the other; the graph counts nothing of it.
     */
    @Test
    void aHostClaimingAnotherHostsAddressesAndTrafficTakesNothingOver() throws Exception {
        Map<String, Object> report = Map.of("seq", 1, "kind", "full", "scanned_at", Instant.now().toString(),
                "partial", false, "truncated", false, "state_totals", Map.of("ESTABLISHED", 1),
                "services", List.of(Map.of("protocol", "tcp", "bind", b.address(), "port", ports[0], "process", LIAR, "count", 1)),
                "edges", List.of(Map.of("direction", "downstream", "protocol", "tcp", "process", LIAR, "port", ports[0],
                        "remote_address", a.address(), "count", 5)), "states", List.of());
        Api.Reply posted = impostor.api().post("/api/v1/agents/" + impostor.id() + "/discovery", Map.of("results", List.of(report)), null);
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);
        assertThat(impostor.api().post("/api/v1/agents/" + agentB + "/discovery", Map.of("results", List.of(report)), null).status())
                .as("another agent's stream").isEqualTo(403);
        String impostorDeps = "/api/v1/targets/" + impostor.id() + "/dependencies";
        assertPeer(await(impostorDeps, "downstream", resolved(ports[0])).get("peer"), a.address(), agentA, web, "web");

        JsonNode up = await("/api/v1/targets/" + agentA + "/dependencies", "upstream", resolved(ports[0]));
        assertPeer(up.get("peer"), b.address(), agentB, db, "db");
        JsonNode v6 = await("/api/v1/targets/" + agentA + "/dependencies", "upstream", byPort(ports[1])).get("peer");
        assertThat(v6.get("kind").asText()).as(v6.toString()).isEqualTo("external");
        JsonNode services = api.get("/api/v1/targets/" + agentB + "/services", ADMIN).json().get("services");
        assertThat(services.findValuesAsText("process")).contains(SERVICE).doesNotContain(LIAR);
        JsonNode edge = graphEdge();
        assertThat(edge.get("hosts").asInt()).isEqualTo(1);
        assertThat(edge.get("connections").asLong()).isEqualTo(1);
    }

    /** A target enrolled (no agent behind it) by a bootstrap token, reporting {@code address} as its own. */
    private record Impostor(UUID id, Api api) {
    }

    /** Enrolls an {@link Impostor} as an agent would: a CSR, its certificate for mutual TLS. */
    private static Impostor impostor(String hostname, String address) throws Exception {
        UUID id = UUID.randomUUID();
        KeyPair key = TlsTestClients.newKey();
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()),
                "agent_id", id.toString(), "hostname", hostname, "ip_address", address, "csr", TlsTestClients.csr(key, id)), null);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        X509Certificate cert = Pem.parseCertificate(r.json().get("client_certificate").asText());
        return new Impostor(id, new Api("https://" + lan.rootAddress() + ":" + server.port(), TlsTestClients.trusting(
                server.caCertificate(), new TlsTestClients.ClientIdentity(key, List.of(cert)))));
    }

    private static void assertPeer(JsonNode peer, String address, String target, String group, String groupName) {
        assertThat(peer.get("kind").asText()).as(peer.toString()).isEqualTo("target");
        assertThat(peer.get("address").asText()).isEqualTo(address);
        assertThat(peer.get("target_id").asText()).isEqualTo(target);
        assertThat(peer.get("group_id").asText()).isEqualTo(group);
        assertThat(peer.get("group_name").asText()).isEqualTo(groupName);
    }

    private static Predicate<JsonNode> byPort(int port) {
        return d -> d.get("port").asInt() == port;
    }

    /** At {@code port}, its peer resolved to a target (the peer's first heartbeat has arrived). */
    private static Predicate<JsonNode> resolved(int port) {
        return d -> d.get("port").asInt() == port && d.get("peer").get("kind").asText().equals("target");
    }

    /** The web→db edge of web's graph at B's service port (there is one: the other edges go to B's closer and to lan-v6). */
    private static JsonNode graphEdge() {
        JsonNode graph = api.get("/api/v1/dependencies?group_id=" + web, ADMIN).json();
        for (JsonNode e : graph.get("edges")) {
            if (e.get("source").asText().equals(web) && e.get("target").asText().equals(db) && e.get("port").asInt() == ports[0]) {
                assertThat(e.get("protocol").asText()).isEqualTo("tcp");
                return e;
            }
        }
        throw new AssertionError("no web→db edge at " + ports[0] + " in " + graph);
    }

    /** The probe offered for A's edge to B's service port, or null when it is not listed. */
    private static JsonNode uncovered() {
        for (JsonNode u : api.get("/api/v1/dependencies/uncovered", ADMIN).json()) {
            if (u.get("source_target_id").asText().equals(agentA) && u.get("port").asInt() == ports[0]) {
                assertThat(u.get("peer").get("target_id").asText()).isEqualTo(agentB);
                return u.get("probe");
            }
        }
        return null;
    }

    /** The web→db edge's line of {@code family} on the server's {@code /metrics} (labels in the exposition's order). */
    private static String series(String family, int value) {
        return family + "{destination=\"db\",destination_kind=\"group\",port=\"" + ports[0] + "\",protocol=\"tcp\",source_group=\"web\"} "
                + value + ".0";
    }

    private static String metrics() {
        return api.get("/metrics", TestServer.MONITORING).body();
    }

    /** The first row of {@code path}'s {@code list} that {@code match}es, waited for. */
    private static JsonNode await(String path, String list, Predicate<JsonNode> match) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        eventually(PATIENCE, path + " lists " + list, () -> {
            agents.forEach(p -> assertThat(p.isAlive()).as("an agent exited: %s", logs()).isTrue());
            for (JsonNode row : api.get(path, ADMIN).json().get(list)) {
                if (match.test(row)) {
                    found[0] = row;
                    return true;
                }
            }
            return false;
        }, DiscoveryNetnsEndToEndTest::logs);
        return found[0];
    }

    /**
     * The real agent inside {@code host}, enrolled into {@code group} over the LAN by the CA pin; its id. The hosts
     * share this machine's process table, so each agent reads its own namespace only ({@code max_namespaces} 0), as
     * an agent on a host of its own would.
     */
    private static String agent(NetnsHost host, String hostname, String group) throws Exception {
        Path home = Files.createDirectories(dir.resolve(hostname));
        String pin = "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate()));
        Map<String, String> env = new HashMap<>(TestAgentConfig.env(home, lan.rootAddress() + ":" + server.port(),
                Fixtures.bootstrapToken(api, 1, Map.of("group_id", group))));
        env.putAll(Map.of("AAMI_SERVER_TLS_CA_CERT_SHA256", pin, "AAMI_AGENT_HOSTNAME", hostname, "AAMI_DISCOVERY_INTERVAL", "1s",
                "AAMI_DISCOVERY_MAX_NAMESPACES", "0", "AAMI_DISCOVERY_REPORT_STATE_MIN_COUNT", "1", "AAMI_API_LISTEN", "off"));
        String id = AgentIdFile.readOrCreate(home.resolve("agent-id")).toString();
        Process agent = AgentChild.start(env, dir.resolve(hostname + ".log"), host.command().command());
        children.add(agent);
        agents.add(agent);
        return id;
    }

    private static String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("web-1", "db-1")) {
            try {
                String s = Files.readString(dir.resolve(name + ".log"));
                out.append("\n--- ").append(name).append(" ---\n").append(s, Math.max(0, s.length() - 3000), s.length());
            } catch (java.io.IOException e) {
                out.append(name).append(": ").append(e);
            }
        }
        return out.toString();
    }

    private static Process child(NetnsHost host, String name, String... args) throws Exception {
        Process p = HostChildren.start(host, dir, name, args);
        children.add(p);
        return p;
    }
}
