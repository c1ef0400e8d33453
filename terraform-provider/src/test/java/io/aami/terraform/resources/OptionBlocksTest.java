package io.aami.terraform.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.terraform.proto.Tfplugin6.AttributePath.Step;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.Msgpack;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The nested blocks without Terraform: the state keeps the operator's form where the server's answer is only its
 * defaults and spellings, shows the server's value where it differs, and refusals name the attribute's full path.
 */
class OptionBlocksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProbeResource probe = new ProbeResource();
    private final CheckResource check = new CheckResource();

    private Map<String, Object> probeConfig(String protocol, Map<String, Object> http, Map<String, Object> icmp) {
        Map<String, Object> m = new HashMap<>(Map.of("name", "p", "protocol", protocol, "target", "127.0.0.1",
                "interval_seconds", 30L, "global", true));
        m.put("target_port", protocol.equals("icmp") ? null : 443L);
        m.put("http", http);
        m.put("icmp", icmp);
        return probe.schema().complete(m);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void theOperatorsSpellingAndLeftOutDefaultsStayWhileTheServersChangesShow() throws Exception {
        Map<String, Object> http = new HashMap<>();
        http.put("method", "post");
        http.put("expected_status", List.of("2XX"));
        http.put("body", "{}");
        Map<String, Object> planned = probeConfig("https", http, null);
        JsonNode answer = json("{\"protocol\":\"HTTPS\",\"target_port\":443,\"http\":{\"method\":\"POST\",\"path\":\"/\","
                + "\"expected_status\":[\"2xx\"],\"body\":\"{}\",\"headers\":{},\"follow_redirects\":false}}");
        Map<String, Object> state = probe.state(answer, planned);
        assertThat(state.get("http")).isEqualTo(probe.schema().complete(Map.of("http", http)).get("http"));
        assertThat(state.get("icmp")).isNull();

        JsonNode changed = json("{\"protocol\":\"HTTPS\",\"target_port\":443,\"http\":{\"method\":\"POST\",\"path\":\"/by-hand\","
                + "\"expected_status\":[\"2xx\"],\"body\":\"{}\",\"headers\":{},\"follow_redirects\":false}}");
        Map<?, ?> drifted = (Map<?, ?>) probe.state(changed, planned).get("http");
        assertThat(drifted.get("path")).isEqualTo("/by-hand");
        assertThat(drifted.get("method")).isEqualTo("post");

        JsonNode defaults = json("{\"protocol\":\"HTTP\",\"target_port\":80,\"http\":{\"method\":\"GET\",\"path\":\"/\","
                + "\"expected_status\":[\"2xx\"],\"headers\":{},\"follow_redirects\":false}}");
        assertThat(probe.state(defaults, null).get("http")).as("an import of only defaults: no block").isNull();
    }

    @Test
    void aProcessChecksDefaultMinCountIsNoDiffAndTheRequestCarriesTheBlock() throws Exception {
        Map<String, Object> process = new HashMap<>();
        process.put("name_regex", "^sshd$");
        Map<String, Object> planned = check.schema().complete(Map.of("name", "c", "kind", "process", "interval_seconds", 30L,
                "global", true, "process", process));
        assertThat(check.body(planned)).containsEntry("process", Map.of("name_regex", "^sshd$"));
        Map<String, Object> state = check.state(json("{\"kind\":\"process\",\"process\":{\"name_regex\":\"^sshd$\",\"min_count\":1}}"),
                planned);
        assertThat(state.get("process")).isEqualTo(planned.get("process"));
        Map<?, ?> imported = (Map<?, ?>) check.state(json("{\"kind\":\"process\",\"process\":{\"name_regex\":\"^sshd$\",\"min_count\":1}}"),
                null).get("process");
        assertThat(imported.get("name_regex")).isEqualTo("^sshd$");
        assertThat(imported.get("min_count")).isNull();
        assertThat(Msgpack.decodeObject(Msgpack.encode(check.schema(), state))).isEqualTo(state);
    }

    @Test
    void refusalsNameTheAttributePathTheApiNames() {
        Diags d = new Diags();
        probe.validate(probeConfig("http", new HashMap<>(Map.of("headers", Map.of("X.A", "ok", "Host", "x"))), null), d);
        assertThat(d.all()).hasSize(1);
        assertThat(d.all().get(0).getDetail()).startsWith("http.headers.Host: is written by the probe itself");
        assertThat(d.all().get(0).getAttribute().getStepsList()).containsExactly(Step.newBuilder().setAttributeName("http").build(),
                Step.newBuilder().setAttributeName("headers").build(), Step.newBuilder().setElementKeyString("Host").build());

        Diags icmp = new Diags();
        probe.validate(probeConfig("icmp", null, new HashMap<>(Map.of("count", 10L, "interval_ms", 5000L))), icmp);
        assertThat(icmp.all()).singleElement().satisfies(x -> assertThat(x.getDetail())
                .isEqualTo("icmp.interval_ms: (count - 1) × interval_ms + timeout_ms must not exceed interval_seconds"));

        Diags tcp = new Diags();
        probe.validate(probeConfig("tcp", new HashMap<>(), null), tcp);
        assertThat(tcp.all()).singleElement().satisfies(x -> assertThat(x.getDetail()).isEqualTo("http: applies to HTTP and HTTPS probes only"));

        Diags kind = new Diags();
        check.validate(check.schema().complete(Map.of("name", "c", "kind", "process", "interval_seconds", 30L, "global", true)), kind);
        assertThat(kind.all()).singleElement().satisfies(x -> assertThat(x.getDetail()).isEqualTo("process: is required for a process check"));
    }
}
