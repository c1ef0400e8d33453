package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probe policy → agent → engine → spool → server → matrix and /metrics, with a group-to-group probe following membership. */
class ProbesEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void groupToGroupProbesReachTheMatrixAndMetricsAndPickUpNewMembers() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"));
             ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Api api = server.api();
            String web = Fixtures.group(api, "web");
            String db = Fixtures.group(api, "db");
            Fixtures.EnrolledAgent db1 = Fixtures.enroll(api, "db-1", db);
            Map<String, Object> probe = new HashMap<>(Map.of("name", "web-to-db", "target_group_id", db, "target_port",
                    open.getLocalPort(), "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 1, "group_id", web));
            assertThat(api.post("/api/v1/probes", probe, ADMIN).status()).isEqualTo(201);
            Map<String, Object> closed = new HashMap<>(Map.of("name", "closed-port", "target", "127.0.0.1", "target_port", 1,
                    "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 1, "group_id", web));
            assertThat(api.post("/api/v1/probes", closed, ADMIN).status()).isEqualTo(201);
            Map<String, Object> ping = new HashMap<>(Map.of("name", "ping-lo", "target", "127.0.0.1", "protocol", "ICMP",
                    "icmp", Map.of("count", 2, "interval_ms", 10), "timeout_ms", 500, "interval_seconds", 1, "group_id", web));
            assertThat(api.post("/api/v1/probes", ping, ADMIN).status()).isEqualTo(201);

            String token = Fixtures.bootstrapToken(api, 1, Map.of("name", "w", "group_id", web));
            AgentConfig cfg = TestAgentConfig.plainAndQuick(dir, server.port(), token);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                String me = "agent_id=\"" + agent.agentId() + "\"";
                eventually(Duration.ofSeconds(20), () -> api.get("/metrics", null).body().contains(
                        "aami_probe_success{" + me + ",hostname=\"" + hostname(api, agent) + "\",probe=\"web-to-db\",protocol=\"TCP\","
                                + "target=\"127.0.0.1\",target_agent_id=\"" + db1.id() + "\",target_port=\"" + open.getLocalPort() + "\"} 1"));
                eventually(Duration.ofSeconds(20), () -> api.get("/metrics", null).body().matches(
                        "(?s).*aami_probe_failure_reason\\{" + me + ".*probe=\"closed-port\".*reason=\"refused\".*\\} 1\\.0.*"));
                // ICMP, scheduled: raw sockets as root (or not_permitted, which must then be what arrives).
                boolean icmp;
                try (var pinger = io.aami.agent.probes.icmp.IcmpPinger.open(io.aami.agent.probes.icmp.IcmpPinger.Mode.AUTO)) {
                    icmp = pinger.kind(false) != io.aami.agent.probes.icmp.IcmpPinger.Kind.NONE;
                }
                String pingLabels = me + ",hostname=\"" + hostname(api, agent) + "\",probe=\"ping-lo\",protocol=\"ICMP\"";
                String pingTail = "target=\"127.0.0.1\",target_agent_id=\"\",target_port=\"0\"}";
                eventually(Duration.ofSeconds(20), () -> api.get("/metrics", null).body().contains(icmp
                        ? "aami_probe_icmp_loss_ratio{" + pingLabels + "," + pingTail + " 0"
                        : "aami_probe_failure_reason{" + pingLabels + ",reason=\"not_permitted\"," + pingTail + " 1"));

                Fixtures.EnrolledAgent db2 = Fixtures.enroll(api, "db-2", db);
                // The success series, by name: aami_probe_stale of the new member is there (1) from the moment it is assigned.
                eventually(Duration.ofSeconds(20), () -> api.get("/metrics", null).body().contains(
                        "aami_probe_success{" + me + ",hostname=\"" + hostname(api, agent) + "\",probe=\"web-to-db\",protocol=\"TCP\","
                                + "target=\"127.0.0.1\",target_agent_id=\"" + db2.id() + "\",target_port=\"" + open.getLocalPort() + "\"} 1"));

                JsonNode matrix = api.get("/api/v1/probes/matrix?source_group_id=" + web + "&target_group_id=" + db, ADMIN).json();
                assertThat(matrix.get("cells")).hasSize(2);
                assertThat(matrix.get("cells").findValuesAsText("success")).containsOnly("true");
                assertThat(matrix.get("destinations").findValuesAsText("hostname")).containsExactlyInAnyOrder("db-1", "db-2");
            }
        }
    }

    static String hostname(Api api, Agent agent) {
        return api.get("/api/v1/targets/" + agent.agentId(), ADMIN).json().get("hostname").asText();
    }
}
