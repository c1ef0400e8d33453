package io.aami.terraform.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.terraform.values.Unknown;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final TargetResource target = new TargetResource();

    private static Map<String, Object> state(String hostname, String status) {
        Map<String, Object> m = new HashMap<>(Map.of("id", "6f1c2d3e-0000-4000-8000-000000000001", "hostname", hostname,
                "status", status, "enrolled_at", "2026-12-02T07:00:00Z"));
        m.put("group_id", null);
        m.put("labels", null);
        m.put("reported_hostname", "ip-10-0-0-1");
        m.put("reported_ip", "10.0.0.1");
        return m;
    }

    @Test
    void whatTheAgentReportsIsNeverADiff() {
        Map<String, Object> prior = state("web-0", "online");
        Planner.Plan p = Planner.plan(target, prior, new HashMap<>(prior));
        assertThat(p.planned()).isEqualTo(prior);
        assertThat(p.requiresReplace()).isEmpty();
    }

    @Test
    void anUpdateLeavesWhatItMayChangeUnknownAndANewIdReplaces() {
        Map<String, Object> prior = state("web-0", "online");
        Map<String, Object> renamed = new HashMap<>(prior);
        renamed.put("hostname", "web-1");
        Planner.Plan p = Planner.plan(target, prior, renamed);
        assertThat(p.planned()).containsEntry("hostname", "web-1").containsEntry("status", Unknown.VALUE);
        assertThat(p.requiresReplace()).isEmpty();

        Map<String, Object> newId = new HashMap<>(prior);
        newId.put("id", "6f1c2d3e-0000-4000-8000-000000000002");
        assertThat(Planner.plan(target, prior, newId).requiresReplace()).containsExactly("id");
    }

    @Test
    void aCreateLeavesComputedAttributesUnknown() {
        Map<String, Object> proposed = new HashMap<>(Map.of("id", "6f1c2d3e-0000-4000-8000-000000000001", "hostname", "h"));
        Planner.Plan p = Planner.plan(target, null, proposed);
        assertThat(p.planned()).containsEntry("status", Unknown.VALUE).containsEntry("enrolled_at", Unknown.VALUE)
                .containsEntry("labels", null);
    }
}
