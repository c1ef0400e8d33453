package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.checks.PreloadHook;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hole 1 of issue 16 end to end: a check whose env carries LD_PRELOAD, stored by a server that did
 * not refuse it (written straight into the database, as an older server would have kept it), is
 * signed into the real agent's policy. The agent, as root with run_as nobody on the test machines,
 * reports it unknown naming the variable; the shared object never loads anywhere; the policy's other
 * check keeps running.
 */
class CheckEnvEndToEndTest {
    static final Map<String, String> SERVER = Map.of("AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms");

    @TempDir
    Path dir;

    @Test
    void aSignedPolicyWithLdPreloadNeverLoadsTheObject() throws Exception {
        assumeTrue(PreloadHook.buildable() || System.getenv("AAMI_REQUIRE_TOOLS") != null, "no C compiler (cc) on this host");
        Path markers = Files.createDirectory(dir.resolve("markers"));
        Files.setPosixFilePermissions(markers, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path hook = PreloadHook.build(dir, markers.resolve("loaded"));
        try (TestServer server = TestServer.start(SERVER)) {
            Api api = server.api();
            String hostile = Fixtures.createCheck(api, Fixtures.check("hostile", "tr '\\0' '\\n' < /proc/self/environ", 1,
                    Map.of("global", true)));
            Fixtures.createCheck(api, Fixtures.check("harmless", "echo fine", 1, Map.of("global", true)));
            Map<String, Object> viaApi = new HashMap<>(Fixtures.check("hostile", "true", 1, Map.of("global", true)));
            viaApi.put("env", Map.of("LD_PRELOAD", hook.toString()));
            assertThat(api.put("/api/v1/checks/" + hostile, viaApi, ADMIN).status()).isEqualTo(400);
            storeEnvBehindTheApi(server, hostile, "{\"LD_PRELOAD\": \"" + hook + "\", \"LIMIT\": \"90\"}");

            AgentConfig cfg = TestAgentConfig.plainAndQuick(dir, server.port(), Fixtures.bootstrapToken(api, 5, Map.of()));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> state(api, id, "hostile").path("seq").asLong() > 0
                        && "ok".equals(state(api, id, "harmless").path("status").asText()));
                Thread.sleep(2_000); // a few more runs of both
                JsonNode refused = state(api, id, "hostile");
                assertThat(refused.get("status").asText()).isEqualTo("unknown");
                assertThat(refused.get("output").asText()).contains("LD_PRELOAD").doesNotContain("LIMIT=90");
                assertThat(refused.get("exit_code").isNull()).isTrue();
                assertThat(state(api, id, "harmless").get("output").asText()).isEqualTo("fine\n");
            }
        }
        try (var loads = Files.list(markers)) {
            assertThat(loads).as("the shared object never loaded, as root or as anyone").isEmpty();
        }
    }

    private static void storeEnvBehindTheApi(TestServer server, String checkId, String envJson) throws Exception {
        try (Connection c = ChecksEndToEndTest.connect(server.database());
             PreparedStatement ps = c.prepareStatement("UPDATE checks SET env = ?::jsonb WHERE id = ?")) {
            ps.setString(1, envJson);
            ps.setObject(2, UUID.fromString(checkId));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static JsonNode state(Api api, UUID agent, String check) {
        for (JsonNode s : api.get("/api/v1/targets/" + agent + "/checks", ADMIN).json()) {
            if (s.get("name").asText().equals(check)) {
                return s;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
