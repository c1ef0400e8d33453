package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules and Prometheus config as promtool judges them: {@code check rules}, the
 * {@code test rules} unit tests (each alert firing and not firing), and {@code check config}. CI
 * installs promtool and sets AAMI_REQUIRE_TOOLS, so these cannot be skipped there.
 */
class PrometheusRulesTest {
    static final List<String> ALERTS = List.of("AgentDown", "AgentCertificateExpiring", "PolicyRefused", "CheckCritical",
            "CheckStale", "ProbeFailing", "SpoolDropping", "ServerIngestErrors", "ServerDatabaseDown", "ConnectionsCloseWait",
            "UndeclaredDependency");

    @TempDir
    Path dir;

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        MonitoringFiles.requireTool("promtool");
        MonitoringFiles.Result r = MonitoringFiles.run(dir, "promtool", "check", "rules", MonitoringFiles.RULES.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        MonitoringFiles.requireTool("promtool");
        MonitoringFiles.Result r = MonitoringFiles.run(MonitoringFiles.RULE_TESTS.getParent(), "promtool", "test", "rules",
                MonitoringFiles.RULE_TESTS.getFileName().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** The unit tests notice a rule that forgets its guard (here: CheckCritical firing on a stale result). */
    @Test
    void ruleUnitTestsFailForARuleThatIgnoresStaleness() throws Exception {
        MonitoringFiles.requireTool("promtool");
        String rules = Files.readString(MonitoringFiles.RULES);
        String broken = rules.replace("expr: aami_check_status == 2 and aami_check_stale == 0", "expr: aami_check_status == 2");
        assertThat(broken).isNotEqualTo(rules);
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/aami.yml"), broken);
        Files.copy(MonitoringFiles.RULE_TESTS, dir.resolve("rules/aami_test.yml"));
        MonitoringFiles.Result r = MonitoringFiles.run(dir.resolve("rules"), "promtool", "test", "rules", "aami_test.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alertname: CheckCritical").contains("check=\"load\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAWindowASeverityARunbookAndAFiringAndANotFiringUnitTest() {
        Map<String, Map<String, Object>> alerts = MonitoringFiles.alerts();
        assertThat(alerts.keySet()).containsExactlyElementsOf(ALERTS);
        alerts.forEach((name, rule) -> {
            assertThat(rule.get("for")).as(name + " for").isNotNull();
            assertThat(((Map<String, Object>) rule.get("labels")).get("severity")).as(name).isIn("warning", "critical");
            Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
            assertThat(annotations).as(name).containsKeys("summary", "description");
            assertThat(annotations.get("runbook")).as(name).isEqualTo("README.md#alerts: " + name);
        });
        Set<String> firing = new HashSet<>();
        Set<String> silent = new HashSet<>();
        List<Map<String, Object>> tests = (List<Map<String, Object>>) MonitoringFiles.yaml(MonitoringFiles.RULE_TESTS).get("tests");
        for (Map<String, Object> test : tests) {
            for (Map<String, Object> t : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                List<Object> expected = (List<Object>) t.get("exp_alerts");
                (expected == null || expected.isEmpty() ? silent : firing).add((String) t.get("alertname"));
            }
        }
        assertThat(firing).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(silent).as("alerts with a not-firing case").containsExactlyInAnyOrderElementsOf(ALERTS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shippedConfigPassesPromtoolCheckConfigWithTheFilesItNames() throws Exception {
        MonitoringFiles.requireTool("promtool");
        Map<String, Object> config = MonitoringFiles.yaml(MonitoringFiles.CONFIG);
        assertThat((List<String>) config.get("rule_files")).containsExactly("rules/aami.yml");
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
        Map<String, Object> server = jobs.get(0);
        assertThat(server.get("job_name")).isEqualTo("aami-server");
        assertThat(server.get("scheme")).isEqualTo("https");
        assertThat(((Map<String, Object>) server.get("tls_config")).get("ca_file")).isEqualTo(MonitoringFiles.ETC + "aami-ca.crt");
        assertThat((Map<String, Object>) server.get("authorization")).as("the server job reads /metrics with the monitoring token")
                .isEqualTo(Map.of("type", "Bearer", "credentials_file", MonitoringFiles.ETC + MonitoringFiles.MONITORING_TOKEN));
        Map<String, Object> agents = jobs.get(1);
        assertThat(agents.get("job_name")).isEqualTo("aami-agents");
        Map<String, Object> sd = ((List<Map<String, Object>>) agents.get("http_sd_configs")).get(0);
        assertThat((String) sd.get("url")).endsWith("/api/v1/sd/prometheus");
        assertThat((Map<String, Object>) sd.get("authorization")).as("service discovery with the monitoring token, never the admin one")
                .isEqualTo(Map.of("type", "Bearer", "credentials_file", MonitoringFiles.ETC + MonitoringFiles.MONITORING_TOKEN));
        assertThat((Map<String, Object>) agents.get("authorization")).as("the agents scraped with their metrics-only token")
                .isEqualTo(Map.of("type", "Bearer", "credentials_file", MonitoringFiles.ETC + MonitoringFiles.AGENT_METRICS_TOKEN));
        assertThat(Files.readString(MonitoringFiles.CONFIG)).doesNotContain("admin");
        assertThat(((Map<String, Object>) sd.get("tls_config")).get("ca_file")).isEqualTo(MonitoringFiles.ETC + "aami-ca.crt");
        assertThat(agents.get("relabel_configs").toString()).contains("__meta_aami_agent_id", "__meta_aami_hostname",
                "__meta_aami_group_name", "__meta_aami_label_(.+)");

        Path etc = dir.resolve("etc");
        Path installed = MonitoringFiles.installConfig(etc, Files.readString(MonitoringFiles.RULES), "not needed by promtool",
                "monitoring-token", "agent-token");
        MonitoringFiles.Result r = MonitoringFiles.run(dir, "promtool", "check", "config", installed.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 1 rule files found").contains("SUCCESS: " + ALERTS.size() + " rules found");

        Files.delete(etc.resolve(MonitoringFiles.MONITORING_TOKEN));
        MonitoringFiles.Result missing = MonitoringFiles.run(dir, "promtool", "check", "config", installed.toString());
        assertThat(missing.exit()).as("a missing credentials file is an error").isNotZero();
        assertThat(missing.output()).contains(MonitoringFiles.MONITORING_TOKEN);
    }
}
