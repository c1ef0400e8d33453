package io.aami.server.sd;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.SiteAddress;
import io.aami.server.testing.TestServer;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/sd/prometheus} on a real server and database: which agents are listed at which address,
 * their labels, and who may ask. The server listens on every address; heartbeats sent through {@link #site}
 * come from this host's non-loopback address (the one an agent on another host would be seen from), those
 * through {@link #api} from 127.0.0.1. {@code sd.allowed_cidrs} lists 198.51.100.0/24 and 2001:db8::/32. Since
 * every test's agents share those two sources (which then vouch for none of them), a test that needs an agent
 * seen from an address of its own writes it as the heartbeat would ({@link #seenFrom}); {@link SdTrustTest}
 * covers the sources themselves.
 */
class PrometheusSdApiTest {
    static final String SD = "/api/v1/sd/prometheus";
    static TestServer server;
    static Api api;
    static Api site;
    static String siteIp;

    @BeforeAll
    static void start() throws SocketException {
        siteIp = SiteAddress.get();
        server = TestServer.start(Map.of("AAMI_LISTEN", "0.0.0.0:0", "AAMI_SD_ALLOWED_CIDRS", "198.51.100.0/24,2001:db8::/32"));
        api = server.api();
        site = new Api("http://" + siteIp + ":" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listsLocalApisAtAddressesTheServerVouchesForWithTheirMetaLabels() {
        String web = Fixtures.group(api, "web-sd");
        UUID id = UUID.randomUUID();
        Api.Reply put = api.put("/api/v1/targets/" + id, Map.of("hostname", "web-1.example", "group_id", web,
                "labels", Map.of("env", "prod", "team.name", "ops")), ADMIN);
        assertThat(put.status()).as(put.toString()).isLessThan(300);
        EnrolledAgent allowed = enroll(id, "ip-10-0-0-7", "198.51.100.7");
        heartbeat(site, allowed, Map.of("host", "198.51.100.7", "port", 8469));
        seenFrom(allowed, "198.51.100.107");
        EnrolledAgent wildcard = enroll(null, "wild", "198.51.100.8");
        heartbeat(site, wildcard, Map.of("host", "0.0.0.0", "port", 8470));
        seenFrom(wildcard, "203.0.113.8");
        EnrolledAgent v6 = enroll(null, "six", "2001:db8::5");
        heartbeat(site, v6, Map.of("host", "2001:db8::5", "port", 8471));
        seenFrom(v6, "2001:db8:0:0:0:0:0:50");
        EnrolledAgent v6Wildcard = enroll(null, "six-wild", "2001:db8::6");
        heartbeat(site, v6Wildcard, Map.of("host", "::", "port", 8472));
        seenFrom(v6Wildcard, "2001:db9:0:0:0:0:0:6");
        EnrolledAgent boundToSource = enroll(null, "bound", "203.0.113.9");
        heartbeat(site, boundToSource, Map.of("host", "203.0.113.9", "port", 8473));
        seenFrom(boundToSource, "203.0.113.9");

        Api.Reply reply = api.get(SD, MONITORING);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode entry = entry(reply.json(), allowed.id());
        assertThat(entry.get("targets").get(0).asText()).as("bound inside sd.allowed_cidrs").isEqualTo("198.51.100.7:8469");
        assertThat(labels(entry)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "__meta_aami_agent_id", id.toString(),
                "__meta_aami_hostname", "web-1.example",
                "__meta_aami_reported_hostname", "ip-10-0-0-7",
                "__meta_aami_group_id", web,
                "__meta_aami_group_name", "web-sd",
                "__meta_aami_label_env", "prod",
                "__meta_aami_label_team_name", "ops"));
        assertThat(address(reply.json(), wildcard.id())).as("a wildcard bind is listed at the heartbeat's source, not at the"
                + " address the agent enrolled with").isEqualTo("203.0.113.8:8470");
        assertThat(address(reply.json(), v6.id())).as("IPv6 in brackets, canonical").isEqualTo("[2001:db8:0:0:0:0:0:5]:8471");
        assertThat(address(reply.json(), v6Wildcard.id())).isEqualTo("[2001:db9:0:0:0:0:0:6]:8472");
        assertThat(address(reply.json(), boundToSource.id())).as("bound to the address its heartbeat came from")
                .isEqualTo("203.0.113.9:8473");
        assertThat(labels(entry(reply.json(), wildcard.id()))).as("no group, no group labels")
                .doesNotContainKeys("__meta_aami_group_id", "__meta_aami_group_name");
    }

    /** A compromised agent must not make the central Prometheus scrape (with its credential) a host of its choosing. */
    @Test
    void anAgentCannotPointPrometheusAtAnAddressTheServerCannotVouchFor() throws Exception {
        Map<String, Map<String, Object>> cases = Map.of(
                "another host", Map.of("host", "10.20.30.40", "port", 8469),
                "a cloud metadata service", Map.of("host", "169.254.169.254", "port", 80),
                "an IPv6 address outside the allowed networks", Map.of("host", "fd00::99", "port", 8469),
                "Prometheus's own loopback", Map.of("host", "127.0.0.2", "port", 9090),
                "a name", Map.of("host", "internal-db.example", "port", 5432),
                "an address inside sd.allowed_cidrs, from outside them", Map.of("host", "198.51.100.7", "port", 5432),
                "an IPv6 address inside sd.allowed_cidrs, from outside them", Map.of("host", "2001:db8::7", "port", 5432));
        List<String> unlisted = new java.util.ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
            EnrolledAgent agent = enroll(null, "ssrf", "198.51.100.60");
            heartbeat(site, agent, c.getValue());
            unlisted.add(agent.id().toString());
        }
        EnrolledAgent claimsAnAddress = enroll(null, "claims", "198.51.100.61");
        heartbeat(api, claimsAnAddress, Map.of("host", "0.0.0.0", "port", 8469));
        unlisted.add(claimsAnAddress.id().toString());
        EnrolledAgent storedName = enroll(null, "stored-name", "198.51.100.62");
        heartbeat(site, storedName, Map.of("host", siteIp, "port", 8469));
        storeLocalApiHost(storedName.id(), "localhost.example");
        unlisted.add(storedName.id().toString());

        assertThat(ids(api.get(SD, MONITORING).json())).as(cases.keySet() + ", a wildcard bind whose heartbeats come from"
                + " loopback (its enrolled ip_address is only a claim), a name stored before names were refused")
                .doesNotContainAnyElementsOf(unlisted);
    }

    @Test
    void unreachableDisabledPendingAndRevokedAgentsAreNotListed() {
        EnrolledAgent loopback = enroll(null, "loop", "198.51.100.20");
        heartbeat(site, loopback, Map.of("host", "127.0.0.1", "port", 8469));
        EnrolledAgent v6Loopback = enroll(null, "loop6", "198.51.100.21");
        heartbeat(site, v6Loopback, Map.of("host", "::1", "port", 8469));
        EnrolledAgent wildcardOnLoopback = enroll(null, "wild-loop", "127.0.0.1");
        heartbeat(api, wildcardOnLoopback, Map.of("host", "0.0.0.0", "port", 8469));
        EnrolledAgent apiOff = enroll(null, "off", "198.51.100.22");
        heartbeat(site, apiOff, null);
        EnrolledAgent revoked = enroll(null, "revoked", "198.51.100.23");
        heartbeat(site, revoked, Map.of("host", "198.51.100.23", "port", 8469));
        seenFrom(revoked, "198.51.100.23");
        assertThat(api.post("/api/v1/targets/" + revoked.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
        EnrolledAgent turnedOff = enroll(null, "turned-off", "198.51.100.24");
        heartbeat(site, turnedOff, Map.of("host", "198.51.100.24", "port", 8469));
        seenFrom(turnedOff, "198.51.100.24");
        assertThat(ids(api.get(SD, MONITORING).json())).contains(turnedOff.id().toString());
        heartbeat(site, turnedOff, null);
        UUID pending = UUID.randomUUID();
        api.put("/api/v1/targets/" + pending, Map.of("hostname", "pending"), ADMIN);

        assertThat(ids(api.get(SD, MONITORING).json())).doesNotContain(loopback.id().toString(), v6Loopback.id().toString(),
                wildcardOnLoopback.id().toString(), apiOff.id().toString(), revoked.id().toString(), turnedOff.id().toString(),
                pending.toString());
    }

    @Test
    void theMonitoringOrTheAdminTokenMayAsk() {
        EnrolledAgent agent = enroll(null, "asker", "198.51.100.30");
        assertThat(api.get(SD, null).status()).isEqualTo(401);
        assertThat(api.get(SD, "not-the-monitoring-token").status()).isEqualTo(401);
        assertThat(api.get(SD, agent.token()).status()).as("an agent's credential is not the operator's").isEqualTo(401);
        assertThat(api.get(SD, MONITORING).status()).isEqualTo(200);
        assertThat(api.get(SD, ADMIN).status()).isEqualTo(200);
    }

    /**
     * An unusable local_api (an agent with {@code api.listen: 127.1}, a name, a bad port) costs the agent its listing,
     * not its heartbeat: answered 200, stored as no address, the agent stays online; the drops are counted.
     */
    @Test
    void aMalformedLocalApiIsDroppedAndTheHeartbeatAccepted() {
        List<Map<String, Object>> bad = List.of(
                Map.of("host", "198.51.100.40", "port", 0),
                Map.of("host", "198.51.100.40", "port", 65536),
                Map.of("host", "198.51.100.40"),
                Map.of("host", "127.1", "port", 8469),
                Map.of("host", "web-1.example", "port", 8469),
                Map.of("host", "fe80::1%eth0", "port", 8469),
                Map.of("host", "a b", "port", 8469),
                Map.of("host", "", "port", 8469),
                Map.of("host", "999.1.1.1", "port", 8469));
        EnrolledAgent agent = enroll(null, "bad", "198.51.100.40");
        double droppedBefore = dropped();
        for (Map<String, Object> localApi : bad) {
            heartbeat(site, agent, Map.of("host", "198.51.100.40", "port", 8469));
            seenFrom(agent, "198.51.100.40");
            assertThat(ids(api.get(SD, MONITORING).json())).contains(agent.id().toString());
            heartbeat(site, agent, localApi);
            assertThat(ids(api.get(SD, MONITORING).json())).as(localApi + " is dropped, the stored one with it")
                    .doesNotContain(agent.id().toString());
            assertThat(api.get("/api/v1/targets/" + agent.id(), ADMIN).json().get("status").asText()).isEqualTo("online");
        }
        assertThat(dropped() - droppedBefore).isEqualTo(bad.size());
    }

    private static double dropped() {
        return api.get("/metrics", MONITORING).body().lines().filter(l -> l.startsWith("aami_heartbeat_local_api_dropped_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
    }

    /** As a row written before heartbeats refused names holds it. */
    private static void storeLocalApiHost(UUID id, String host) {
        update(server, "UPDATE targets SET local_api_host = ? WHERE id = ?", host, id);
    }

    /** As the agent's last heartbeat had come from {@code ip} (canonical, as the server stores a peer address). */
    static void seenFrom(EnrolledAgent agent, String ip) {
        update(server, "UPDATE targets SET last_heartbeat_ip = ? WHERE id = ?", ip, agent.id());
    }

    static void update(TestServer on, String sql, String value, UUID id) {
        try (Connection c = DriverManager.getConnection(on.database().url(), on.database().user(), on.database().password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setObject(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** This host's first non-loopback IPv4 address: what an agent elsewhere is seen from. */

    private static EnrolledAgent enroll(UUID id, String hostname, String ip) {
        Map<String, Object> body = new HashMap<>(Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()), "hostname", hostname,
                "ip_address", ip));
        if (id != null) {
            body.put("agent_id", id.toString());
        }
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(r.status()).as(r.toString()).isLessThan(300);
        return new EnrolledAgent(UUID.fromString(r.json().get("agent_id").asText()), r.json().get("agent_token").asText());
    }

    private static void heartbeat(Api from, EnrolledAgent agent, Map<String, Object> localApi) {
        Map<String, Object> body = new HashMap<>(Map.of("agent_version", "t"));
        if (localApi != null) {
            body.put("local_api", localApi);
        }
        Api.Reply r = from.post("/api/v1/agents/" + agent.id() + "/heartbeat", body, agent.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        server.running().flushHeartbeats();
    }

    private static List<String> ids(JsonNode sd) {
        return sd.findValuesAsText("__meta_aami_agent_id");
    }

    private static String address(JsonNode sd, UUID id) {
        return entry(sd, id).get("targets").get(0).asText();
    }

    private static JsonNode entry(JsonNode sd, UUID id) {
        for (JsonNode e : sd) {
            if (e.get("labels").get("__meta_aami_agent_id").asText().equals(id.toString())) {
                return e;
            }
        }
        throw new AssertionError("agent " + id + " not listed in " + sd);
    }

    private static Map<String, String> labels(JsonNode entry) {
        Map<String, String> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.get("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }
}
