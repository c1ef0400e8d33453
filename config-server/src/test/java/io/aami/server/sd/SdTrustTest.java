package io.aami.server.sd;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.SiteAddress;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whom the discovery trusts to name an address, on a real server and database: a heartbeat source several targets
 * share vouches for none of them, a host:port several targets resolve to is listed for none of them (and counted),
 * and an agent not heard from for {@link SdService#LISTED_FOR} heartbeat intervals is no longer listed. Only
 * {@link #aSourceSeveralTargetsShareVouchesForNone} heartbeats from this host's non-loopback address; the other
 * tests heartbeat from 127.0.0.1 and then write the source they need ({@link PrometheusSdApiTest#update}).
 * {@code sd.allowed_cidrs} is 198.51.100.0/24; {@code heartbeat.interval} the default 30s.
 */
class SdTrustTest {
    static final String SD = "/api/v1/sd/prometheus";
    static final MutableClock clock = MutableClock.startingNow();
    static TestServer server;
    static Api api;
    static Api site;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("AAMI_LISTEN", "0.0.0.0:0", "AAMI_SD_ALLOWED_CIDRS", "198.51.100.0/24",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), TestDatabase.fresh(), clock);
        api = server.api();
        site = new Api("http://" + SiteAddress.get() + ":" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Behind NAT or a TLS-terminating proxy every agent's heartbeat comes from one address, which is no one agent's. */
    @Test
    void aSourceSeveralTargetsShareVouchesForNone() throws Exception {
        String siteIp = SiteAddress.get();
        EnrolledAgent wildcard = Fixtures.enroll(api, "behind-nat-1", null);
        heartbeat(site, wildcard, Map.of("host", "0.0.0.0", "port", 9100), null);
        EnrolledAgent bound = Fixtures.enroll(api, "behind-nat-2", null);
        assertThat(targets()).as("the only agent seen from it").containsEntry(wildcard.id().toString(), siteIp + ":9100");

        heartbeat(site, bound, Map.of("host", siteIp, "port", 9101), null);
        assertThat(targets()).as("two agents seen from %s: it vouches for neither", siteIp)
                .doesNotContainKeys(wildcard.id().toString(), bound.id().toString());
    }

    @Test
    void anAddressSeveralTargetsResolveToListsNoneOfThemAndIsCounted() {
        EnrolledAgent owner = Fixtures.enroll(api, "owner", null);
        heartbeat(api, owner, Map.of("host", "198.51.100.9", "port", 9100), "198.51.100.9");
        EnrolledAgent claimant = Fixtures.enroll(api, "claimant", null);
        heartbeat(api, claimant, Map.of("host", "198.51.100.9", "port", 9100), "198.51.100.10");
        EnrolledAgent other = Fixtures.enroll(api, "other-port", null);
        heartbeat(api, other, Map.of("host", "198.51.100.9", "port", 9101), "198.51.100.11");

        Map<String, String> listed = targets();
        assertThat(listed).doesNotContainKeys(owner.id().toString(), claimant.id().toString());
        assertThat(listed).containsEntry(other.id().toString(), "198.51.100.9:9101");
        assertThat(conflicting()).isEqualTo(2);

        assertThat(api.post("/api/v1/targets/" + claimant.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
        assertThat(targets()).containsEntry(owner.id().toString(), "198.51.100.9:9100");
        assertThat(conflicting()).isZero();
    }

    /** After DHCP hands its last address to another host, Prometheus must not keep sending that host the token. */
    @Test
    void anAgentNotHeardFromForTenIntervalsIsNoLongerListed() {
        EnrolledAgent agent = Fixtures.enroll(api, "gone", null);
        heartbeat(api, agent, Map.of("host", "0.0.0.0", "port", 9100), "203.0.113.20");
        clock.advance(Duration.ofSeconds(30L * SdService.LISTED_FOR - 1));
        assertThat(targets()).as("offline for a while: still listed, so its scrape fails")
                .containsEntry(agent.id().toString(), "203.0.113.20:9100");
        clock.advance(Duration.ofSeconds(2));
        assertThat(targets()).doesNotContainKey(agent.id().toString());

        heartbeat(api, agent, Map.of("host", "0.0.0.0", "port", 9100), "203.0.113.20");
        assertThat(targets()).containsEntry(agent.id().toString(), "203.0.113.20:9100");
    }

    private static void heartbeat(Api from, EnrolledAgent agent, Map<String, Object> localApi, String seenFrom) {
        Map<String, Object> body = new HashMap<>(Map.of("agent_version", "t", "local_api", localApi));
        Api.Reply r = from.post("/api/v1/agents/" + agent.id() + "/heartbeat", body, agent.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        server.running().flushHeartbeats();
        if (seenFrom != null) {
            PrometheusSdApiTest.update(server, "UPDATE targets SET last_heartbeat_ip = ? WHERE id = ?", seenFrom, agent.id());
        }
    }

    /** Agent id to its one listed address. */
    private static Map<String, String> targets() {
        Map<String, String> out = new HashMap<>();
        api.get(SD, MONITORING).json().forEach(e -> out.put(e.get("labels").get("__meta_aami_agent_id").asText(),
                e.get("targets").get(0).asText()));
        return out;
    }

    private static double conflicting() {
        List<String> lines = api.get("/metrics", MONITORING).body().lines().filter(l -> l.startsWith("aami_sd_conflicting_targets "))
                .toList();
        assertThat(lines).as("aami_sd_conflicting_targets exported").hasSize(1);
        return Double.parseDouble(lines.get(0).substring(lines.get(0).indexOf(' ') + 1));
    }
}
