package io.aami.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * install/grafana/aami-fleet.json is a dashboard Grafana imports: valid JSON, schema 39, one
 * datasource variable every query uses, the group and hostname variables, the four rows, and panels
 * that do not overlap. Its PromQL is run against a real Prometheus in {@link PrometheusEndToEndTest}.
 */
class GrafanaDashboardTest {
    static final String DATASOURCE = "${DS_PROMETHEUS}";

    @Test
    void dashboardIsValidJsonWithSchema39AndTheFleetVariables() {
        JsonNode d = MonitoringFiles.dashboard();
        assertThat(d.get("uid").asText()).isEqualTo("aami-fleet");
        assertThat(d.get("schemaVersion").asInt()).isEqualTo(39);
        Map<String, JsonNode> vars = new HashMap<>();
        d.get("templating").get("list").forEach(v -> vars.put(v.get("name").asText(), v));
        assertThat(vars).containsOnlyKeys("DS_PROMETHEUS", "group", "hostname");
        assertThat(vars.get("DS_PROMETHEUS").get("type").asText()).isEqualTo("datasource");
        assertThat(vars.get("DS_PROMETHEUS").get("query").asText()).isEqualTo("prometheus");
        assertThat(vars.get("group").get("query").get("query").asText()).isEqualTo("label_values(aami_agent_up, group)");
        assertThat(vars.get("hostname").get("query").get("query").asText())
                .isEqualTo("label_values(aami_agent_up{group=~\"$group\"}, hostname)");
        for (String v : List.of("group", "hostname")) {
            assertThat(vars.get(v).get("datasource").get("uid").asText()).isEqualTo(DATASOURCE);
            assertThat(vars.get(v).get("includeAll").asBoolean()).isTrue();
            assertThat(vars.get(v).get("allValue").asText()).as("All must match the empty group too").isEqualTo(".*");
        }
    }

    @Test
    void rowsPanelsAndQueries() {
        List<String> rows = new ArrayList<>();
        Set<String> cells = new HashSet<>();
        for (JsonNode panel : MonitoringFiles.dashboard().get("panels")) {
            String title = panel.get("title").asText();
            JsonNode pos = panel.get("gridPos");
            for (int x = pos.get("x").asInt(); x < pos.get("x").asInt() + pos.get("w").asInt(); x++) {
                for (int y = pos.get("y").asInt(); y < pos.get("y").asInt() + pos.get("h").asInt(); y++) {
                    assertThat(cells.add(x + "," + y)).as(title + " overlaps another panel at " + x + "," + y).isTrue();
                }
            }
            assertThat(pos.get("x").asInt() + pos.get("w").asInt()).as(title).isLessThanOrEqualTo(24);
            if (panel.get("type").asText().equals("row")) {
                rows.add(title);
                continue;
            }
            assertThat(panel.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(panel.get("targets")).as(title + " queries").isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : panel.get("targets")) {
                assertThat(t.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(refIds.add(t.get("refId").asText())).as(title + " refIds unique").isTrue();
                assertThat(t.get("expr").asText()).as(title).isNotBlank().doesNotContain("\n");
            }
        }
        assertThat(rows).containsExactly("Fleet overview", "Check states", "Probe matrix", "Server health");
    }

    /** Fleet panels honour the variables (the server's own series have no group or hostname). */
    @Test
    void fleetQueriesFilterByGroupAndHostname() {
        for (MonitoringFiles.Expression e : MonitoringFiles.dashboardExpressions()) {
            if (e.expr().matches("(?s).*aami_(agent|check)_.*")) {
                assertThat(e.expr()).as(e.source()).contains("group=~\"$group\",hostname=~\"$hostname\"");
            }
        }
    }
}
