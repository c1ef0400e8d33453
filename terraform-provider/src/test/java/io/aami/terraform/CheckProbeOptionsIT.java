package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nested blocks against a real config-server with the real terraform: a process check ({@code process}), an
 * HTTPS probe with its {@code http} options and an ICMP probe with its {@code icmp} options applied, the server's
 * defaults and spellings causing no diff in the next plan, a change through the API shown as one, import with no
 * changes after, and bad options refused at plan time with the API's words on the attribute's line.
 */
@Tag("terraform-long")
class CheckProbeOptionsIT {
    private static TestServer server;
    private static Api api;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        api = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private TerraformDir dir() {
        return TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN);
    }

    /** {@code operatorSpelling}: the method, a status class and the server name as an operator might write them. */
    private static String config(String suffix, boolean operatorSpelling) {
        return "resource \"aami_group\" \"g\" {\n  name = \"opts-" + suffix + "\"\n}\n\n"
                + "resource \"aami_check\" \"sshd\" {\n  name             = \"sshd-" + suffix + "\"\n  kind             = \"process\"\n"
                + "  interval_seconds = 30\n  group_id         = aami_group.g.id\n  process {\n    name_regex    = \"^sshd$\"\n"
                + "    max_count     = 5\n    max_rss_bytes = 1073741824\n  }\n}\n\n"
                + "resource \"aami_probe\" \"web\" {\n  name             = \"web-" + suffix + "\"\n  protocol         = \"https\"\n"
                + "  target           = \"127.0.0.1\"\n  target_port      = 8443\n  interval_seconds = 60\n  group_id         = aami_group.g.id\n"
                + "  http {\n    method           = \"" + (operatorSpelling ? "post" : "POST") + "\"\n"
                + "    path             = \"/health?full=1\"\n"
                + "    expected_status  = [\"" + (operatorSpelling ? "2XX" : "2xx") + "\", \"301-302\"]\n"
                + "    body             = \"{}\"\n    headers          = { \"X-Probe\" = \"aami\" }\n    follow_redirects = true\n"
                + "    server_name      = \"" + (operatorSpelling ? "Web.Example.com" : "web.example.com") + "\"\n  }\n}\n\n"
                + "resource \"aami_probe\" \"ping\" {\n  name             = \"ping-" + suffix + "\"\n  protocol         = \"icmp\"\n"
                + "  target           = \"127.0.0.1\"\n  interval_seconds = 30\n  group_id         = aami_group.g.id\n"
                + "  icmp {\n    count       = 3\n    interval_ms = 200\n  }\n}\n\n"
                + "output \"ids\" {\n  value = [aami_check.sshd.id, aami_probe.web.id, aami_probe.ping.id, aami_group.g.id]\n}\n";
    }

    @Test
    void appliedWithTheServersDefaultsThenNoChangesThenDriftThenImport() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TerraformDir tf = dir().config(config(suffix, true));
        tf.run("apply", "-auto-approve").ok();
        String[] ids = tf.run("output", "-json", "ids").ok().output().replaceAll("[\\[\\]\"\\s]", "").split(",");

        JsonNode check = api.get("/api/v1/checks/" + ids[0], TestServer.ADMIN).json();
        assertThat(check.get("kind").asText()).isEqualTo("process");
        assertThat(check.at("/process/min_count").asInt()).as("the server's default").isEqualTo(1);
        assertThat(check.at("/process/max_rss_bytes").asLong()).isEqualTo(1073741824L);
        JsonNode web = api.get("/api/v1/probes/" + ids[1], TestServer.ADMIN).json();
        assertThat(web.at("/http/method").asText()).isEqualTo("POST");
        assertThat(web.at("/http/expected_status").toString()).isEqualTo("[\"2xx\",\"301-302\"]");
        assertThat(web.at("/http/max_redirects").asInt()).as("the default with follow_redirects").isEqualTo(5);
        assertThat(web.at("/http/server_name").asText()).isEqualTo("web.example.com");
        assertThat(web.at("/http/headers/X-Probe").asText()).isEqualTo("aami");
        JsonNode ping = api.get("/api/v1/probes/" + ids[2], TestServer.ADMIN).json();
        assertThat(ping.at("/icmp/count").asInt()).isEqualTo(3);
        assertThat(ping.at("/icmp/interval_ms").asInt()).isEqualTo(200);

        TerraformDir.Run second = tf.run("plan", "-detailed-exitcode");
        assertThat(second.exit()).as("no changes after apply:\n" + second.output()).isZero();

        ObjectNode changed = (ObjectNode) web.deepCopy();
        ((ObjectNode) changed.get("http")).put("path", "/changed-by-hand");
        assertThat(api.put("/api/v1/probes/" + ids[1], changed, TestServer.ADMIN).status()).isEqualTo(200);
        TerraformDir.Run drift = tf.run("plan", "-detailed-exitcode");
        assertThat(drift.exit()).as(drift.output()).isEqualTo(2);
        assertThat(drift.output()).contains("\"/changed-by-hand\" -> \"/health?full=1\"").contains("1 to change");
        tf.run("apply", "-auto-approve").ok();

        TerraformDir imported = dir().config(config(suffix, false));
        imported.run("import", "aami_group.g", ids[3]).ok();
        imported.run("import", "aami_check.sshd", ids[0]).ok();
        imported.run("import", "aami_probe.web", ids[1]).ok();
        imported.run("import", "aami_probe.ping", ids[2]).ok();
        TerraformDir.Run afterImport = imported.run("plan", "-detailed-exitcode");
        assertThat(afterImport.exit()).as("no changes after import:\n" + afterImport.output()).isZero();

        tf.run("destroy", "-auto-approve").ok();
        assertThat(api.get("/api/v1/probes/" + ids[1], TestServer.ADMIN).status()).isEqualTo(404);
    }

    @Test
    void badOptionsAreRefusedAtPlanTimeOnTheirAttributes() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TerraformDir.Run plan = dir().config("resource \"aami_probe\" \"ping\" {\n  name             = \"ping-" + suffix + "\"\n"
                + "  protocol         = \"icmp\"\n  target           = \"127.0.0.1\"\n  interval_seconds = 30\n  global           = true\n"
                + "  icmp {\n    count = 0\n  }\n}\n\n"
                + "resource \"aami_probe\" \"web\" {\n  name             = \"web-" + suffix + "\"\n  protocol         = \"http\"\n"
                + "  target           = \"127.0.0.1\"\n  target_port      = 80\n  interval_seconds = 30\n  global           = true\n"
                + "  http {\n    expected_status = [\"200\", \"99\"]\n  }\n}\n\n"
                + "resource \"aami_check\" \"proc\" {\n  name             = \"proc-" + suffix + "\"\n  kind             = \"process\"\n"
                + "  interval_seconds = 30\n  global           = true\n  process {\n    name_regex = \"nginx\"\n"
                + "    min_count  = 3\n    max_count  = 1\n  }\n}\n\n"
                + "resource \"aami_probe\" \"tcp\" {\n  name             = \"tcp-" + suffix + "\"\n  protocol         = \"tcp\"\n"
                + "  target           = \"127.0.0.1\"\n  target_port      = 22\n  interval_seconds = 30\n  global           = true\n"
                + "  icmp {\n    count = 2\n  }\n}\n").run("plan");
        assertThat(plan.exit()).isNotZero();
        String out = plan.output().replaceAll("\\s+", " "); // terraform wraps the details
        assertThat(out).contains("icmp.count: must be 1..100, got 0").contains("count = 0");
        assertThat(out).contains("http.expected_status[1]: must be a code (200), a class (2xx) or a range (200-299) within 100-599")
                .contains("expected_status = [\"200\", \"99\"]");
        assertThat(out).contains("process.min_count: must be at most max_count (1)").contains("min_count = 3");
        assertThat(out).contains("icmp: applies to ICMP probes only").contains("with aami_probe.tcp");
        assertThat(api.get("/api/v1/probes", TestServer.ADMIN).body()).as("nothing created").doesNotContain(suffix);
    }
}
