package io.aami.agent.api;

import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code /healthz} and {@code /metrics} of the local API. */
public final class StatusRoutes {
    /** The one route the metrics token ({@code api.metrics_token_file}) authorizes. */
    public static final String METRICS = "/metrics";

    private final AgentMetrics metrics;
    private final CredentialHolder credentials;
    private final UUID agentId;

    public StatusRoutes(AgentMetrics metrics, CredentialHolder credentials, UUID agentId) {
        this.metrics = metrics;
        this.credentials = credentials;
        this.agentId = agentId;
    }

    public Map<String, LocalApi.Endpoint> routes() {
        Map<String, LocalApi.Endpoint> r = new LinkedHashMap<>();
        r.put("/healthz", new LocalApi.Endpoint(Set.of("GET", "HEAD"), ex -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "ok");
            body.put("agent_id", agentId.toString());
            body.put("enrolled", credentials.current().isPresent());
            ex.json(200, body);
        }));
        r.put(METRICS, new LocalApi.Endpoint(Set.of("GET"), ex -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.write(out);
            ex.send(200, metrics.contentType(), out.toByteArray());
        }));
        return r;
    }
}
