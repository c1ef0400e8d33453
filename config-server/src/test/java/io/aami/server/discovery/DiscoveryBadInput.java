package io.aami.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Discovery reports the server refuses: a JSON {@code {error, code, field}} with the right 4xx, never a 500, and
 * nothing of the batch stored (no snapshot, no edge, no stream cursor), also when only the batch's last report is bad.
 * The table of {@link DiscoveryApiTest#refusedWithJsonAndNothingStored}, run on its server (one server start fewer).
 */
final class DiscoveryBadInput {
    private DiscoveryBadInput() {
    }

    static final ServerPerClass server = DiscoveryApiTest.server;
    static final Api api = DiscoveryApiTest.api;
    static Fixtures.EnrolledAgent agent;

    static Map<String, Object> valid(long seq) {
        return new HashMap<>(Map.of("seq", seq, "kind", "full", "scanned_at", "2026-12-02T07:00:00Z", "partial", false,
                "truncated", false, "state_totals", Map.of("ESTABLISHED", 1),
                "services", List.of(Map.of("protocol", "tcp", "bind", "::", "port", 22, "process", "sshd", "count", 1)),
                "edges", List.of(edge("10.0.0.1", 5432)),
                "states", List.of(Map.of("state", "ESTABLISHED", "process", "app", "container", "", "local_port", 0,
                        "remote_address", "other", "remote_port", 0, "count", 1))));
    }

    static Map<String, Object> edge(String remote, int port) {
        return new HashMap<>(Map.of("direction", "upstream", "protocol", "tcp", "process", "app", "port", port, "remote_address", remote,
                "count", 1));
    }

    static Map<String, Object> with(String key, Object value) {
        Map<String, Object> r = valid(1);
        r.put(key, value);
        return r;
    }

    static Map<String, Object> withEdge(String key, Object value) {
        Map<String, Object> e = edge("10.0.0.1", 5432);
        e.put(key, value);
        return with("edges", List.of(e));
    }

    static List<Map<String, Object>> edges(int n, String process) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = edge("10.0." + (i / 250) + "." + (i % 250 + 1), 1 + i);
            e.put("process", process);
            out.add(e);
        }
        return out;
    }

    static Stream<Arguments> refusals() {
        String big = "p".repeat(256);
        return Stream.of(
                Arguments.of("seq of the wrong type", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("seq", "one"))), 400, null),
                Arguments.of("port of the wrong type", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("port", "http"))), 400, null),
                Arguments.of("results not a list", (UnaryOperator<Object>) b -> Map.of("results", "all"), 400, null),
                Arguments.of("no results", (UnaryOperator<Object>) b -> Map.of("results", List.of()), 400, "results"),
                Arguments.of("unknown kind", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("kind", "partial"))), 400, "results[0].kind"),
                Arguments.of("base in a full report", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("base_seq", 1))), 400, "results[0].base_seq"),
                Arguments.of("a host name for an address", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("remote_address", "db.example.com"))),
                        400, "results[0].edges[0].remote_address"),
                Arguments.of("unknown protocol", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("protocol", "sctp"))), 400, "results[0].edges[0].protocol"),
                Arguments.of("no protocol", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("protocol", null))), 400, "results[0].edges[0].protocol"),
                Arguments.of("a state row of unknown fields only", (UnaryOperator<Object>) b -> Map.of("results",
                        List.of(with("states", List.of(Map.of("a", Map.of("a", "x")))))), 400, "results[0].states[0].state"),
                Arguments.of("unknown direction", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("direction", "sideways"))), 400, "results[0].edges[0].direction"),
                Arguments.of("port out of range", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("port", 70000))), 400, "results[0].edges[0].port"),
                Arguments.of("count 0 in a full report", (UnaryOperator<Object>) b -> Map.of("results", List.of(withEdge("count", 0))), 400, "results[0].edges[0].count"),
                Arguments.of("unknown state total", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("state_totals", Map.of("WAITING", 1)))), 400, "results[0].state_totals"),
                Arguments.of("a row twice", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("edges", List.of(edge("10.0.0.1", 1), edge("10.0.0.1", 1))))),
                        400, "results[0].edges[1]"),
                Arguments.of("too many edges", (UnaryOperator<Object>) b -> Map.of("results", List.of(with("edges", edges(2049, "a")))), 400, "results[0].edges"),
                Arguments.of("too many reports", (UnaryOperator<Object>) b -> Map.of("results", Stream.iterate(1L, s -> s + 1).limit(9).map(DiscoveryBadInput::valid).toList()),
                        400, "results"),
                Arguments.of("a good report then a bad one", (UnaryOperator<Object>) b -> {
                    Map<String, Object> bad = valid(2);
                    bad.put("kind", "diff");
                    return Map.of("results", List.of(valid(1), bad));
                }, 400, "results[1].base_seq"),
                Arguments.of("a body past the server's limit", (UnaryOperator<Object>) b -> Map.of("results", List.of(valid(1), with("edges", edges(2048, big)),
                        with("edges", edges(2048, big)))), 413, null),
                Arguments.of("another agent's path", (UnaryOperator<Object>) b -> Map.of("results", List.of(valid(1))), 403, null));
    }

    /** Called by {@link DiscoveryApiTest}, whose server it shares. */
    static void refusedWithJsonAndNothingStored(String name, UnaryOperator<Object> body, int status, String field) throws Exception {
        if (agent == null) {
            agent = Fixtures.enroll(api, "bad-input", null);
        }
        UUID path = name.startsWith("another agent") ? UUID.randomUUID() : agent.id();
        Api.Reply r = api.post("/api/v1/agents/" + path + "/discovery", body.apply(null), agent.token());
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        JsonNode error = r.json();
        assertThat(error.get("error").asText()).isNotBlank();
        assertThat(error.get("code").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
    }

    static void nothingStored() throws Exception {
        String t = "'" + agent.id() + "'";
        assertThat(DiscoveryApiTest.count("SELECT (SELECT count(*) FROM discovery_hosts WHERE target_id = " + t + ") + (SELECT count(*) "
                + "FROM discovery_edges WHERE target_id = " + t + ") + (SELECT count(*) FROM discovery_services WHERE target_id = " + t
                + ") + (SELECT count(*) FROM result_cursors WHERE stream = 'discovery' AND target_id = " + t + ")")).as("rows stored").isZero();
    }
}
