package io.aami.server.heartbeat;

import io.aami.server.validation.Fields;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.server.config.ServerConfig;
import io.aami.server.error.ApiException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Accepts heartbeats: validates, hands them to the write-behind, tells the agent the interval. The
 * reported {@code local_api} replaces the stored one on every heartbeat (absent: the API is off).
 * Exports {@code aami_heartbeats_total}: heartbeats accepted.
 */
public final class HeartbeatService {
    private final HeartbeatWriter writer;
    private final ServerConfig.Heartbeat config;
    private final Counter accepted;
    private final Clock clock;

    public HeartbeatService(HeartbeatWriter writer, ServerConfig.Heartbeat config, PrometheusRegistry registry, Clock clock) {
        this.writer = writer;
        this.config = config;
        this.accepted = Counter.builder().name("aami_heartbeats_total").help("Heartbeats accepted").register(registry);
        this.clock = clock;
    }

    public HeartbeatResponse record(UUID agentId, HeartbeatRequest req) {
        if (req.uptimeSeconds() != null && req.uptimeSeconds() < 0) {
            throw ApiException.invalid("uptime_seconds", "must not be negative");
        }
        if (req.queueDepth() != null && req.queueDepth() < 0) {
            throw ApiException.invalid("queue_depth", "must not be negative");
        }
        String version = Fields.optional("agent_version", req.agentVersion(), 64);
        Instant now = clock.instant();
        int interval = (int) config.interval().toSeconds();
        LocalApiField.Value api = LocalApiField.read(req.localApi());
        writer.submit(new Beat(agentId, now, now.plus(config.offlineAfter()), interval, version, req.uptimeSeconds(),
                req.queueDepth(), req.policyVersion(), Fields.optional("policy_error", req.policyError(), 1024),
                api == null ? null : api.host(), api == null ? null : api.port()));
        accepted.inc();
        return new HeartbeatResponse(now, interval);
    }
}
