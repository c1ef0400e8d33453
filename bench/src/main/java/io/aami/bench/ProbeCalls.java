package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * The requests {@code probes} sends, each checking its answer: blackbox_exporter's {@code /probe}, the agent's
 * single-probe {@code GET /probe} and its batched {@code POST /run_tasks}. Every probe has a 2 s timeout, far above
 * a loopback connect, so a timeout is a wrong answer, not a slow one.
 */
final class ProbeCalls {
    static final int TIMEOUT_MS = 2000;

    private ProbeCalls() {
    }

    /** blackbox: {@code GET /probe?module=tcp_connect&target=127.0.0.1:P}, answered with {@code probe_success 0|1}. */
    static ProbeLoad.Call blackbox(ProbeTargets targets) {
        return (http, next, tally) -> {
            long i = next.getAndIncrement();
            int port = targets.port(i);
            KeepAliveHttp.Response r = http.get("/probe?module=tcp_connect&target=127.0.0.1:" + port);
            String body = r.text();
            boolean ok = body.contains("\nprobe_success 1\n");
            if (r.status() != 200 || !ok && !body.contains("\nprobe_success 0\n")) {
                tally.problem("blackbox answered " + r.status() + ": " + body);
                return;
            }
            tally.answer(i, ok, "blackbox port " + port);
        };
    }

    /** The agent's seed route: {@code GET /probe?task_id=&target_ip=&target_port=&protocol=tcp&timeout_ms=}. */
    static ProbeLoad.Call agentProbe(ProbeTargets targets) {
        return (http, next, tally) -> {
            long i = next.getAndIncrement();
            int port = targets.port(i);
            KeepAliveHttp.Response r = http.get("/probe?task_id=tcp-" + port + "&target_ip=127.0.0.1&target_port=" + port
                    + "&protocol=tcp&timeout_ms=" + TIMEOUT_MS);
            String body = r.text();
            boolean ok = body.contains("\"success\":true");
            if (r.status() != 200 || !body.contains("\"target_port\":" + port + ",")
                    || !ok && !body.contains("\"success\":false")) {
                tally.problem("the agent's /probe answered " + r.status() + ": " + body);
                return;
            }
            tally.answer(i, ok, "agent /probe port " + port + ": " + body);
        };
    }

    /** The agent's batch route: {@code POST /run_tasks} with {@code batch} tasks, answered in the same order. */
    static ProbeLoad.Call agentBatch(ProbeTargets targets, int batch, ObjectMapper mapper) {
        return (http, next, tally) -> {
            long first = next.getAndAdd(batch);
            StringBuilder b = new StringBuilder(batch * 100).append('[');
            for (int k = 0; k < batch; k++) {
                int port = targets.port(first + k);
                b.append(k == 0 ? "" : ",").append("{\"task_id\":\"tcp-").append(port)
                        .append("\",\"target_ip\":\"127.0.0.1\",\"target_port\":").append(port)
                        .append(",\"protocol\":\"tcp\",\"timeout_ms\":").append(TIMEOUT_MS).append('}');
            }
            KeepAliveHttp.Response r = http.postJson("/run_tasks", b.append(']').toString().getBytes(StandardCharsets.UTF_8));
            if (r.status() != 200) {
                tally.problem("the agent's /run_tasks answered " + r.status() + ": " + r.text());
                return;
            }
            JsonNode results = mapper.readTree(r.body());
            if (!results.isArray() || results.size() != batch) {
                tally.problem("the agent's /run_tasks answered " + results.size() + " results for " + batch + " tasks");
                return;
            }
            for (int k = 0; k < batch; k++) {
                JsonNode result = results.get(k);
                int port = targets.port(first + k);
                if (result.path("target_port").asInt() != port) {
                    tally.problem("result " + k + " of a batch is for port " + result.path("target_port") + ", not " + port);
                    continue;
                }
                tally.answer(first + k, result.path("success").asBoolean(), "agent /run_tasks: " + result);
            }
        };
    }
}
