package io.aami.server.heartbeat;

import io.aami.server.validation.Fields;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import io.aami.server.config.ServerConfig;
import io.aami.server.error.ApiException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Accepts heartbeats: validates, hands them to the write-behind, tells the agent the interval. The
 * reported {@code local_api} replaces the stored one on every heartbeat (absent: the API is off); an
 * unusable one (not an IP address, a bad port) is dropped, not the heartbeat: refusing it would mark a
 * healthy agent offline for a typo in {@code api.listen}. Each heartbeat also stores the IP address it came
 * from, as the socket saw it, which the discovery trusts and the agent cannot choose.
 * Exports {@code aami_heartbeats_total}: heartbeats accepted; {@code aami_heartbeat_local_api_dropped_total}
 * ({@link DroppedLocalApis}).
 */
public final class HeartbeatService {
    private final HeartbeatWriter writer;
    private final Counter accepted;
    private final Clock clock;
    private final DroppedLocalApis dropped;
    /** {@code heartbeat.offline_after}, computed once: {@code Duration.multipliedBy} goes through BigDecimal on every call. */
    private final Duration offlineAfter;
    private final int intervalSeconds;

    public HeartbeatService(HeartbeatWriter writer, ServerConfig.Heartbeat config, PrometheusRegistry registry, Clock clock) {
        this.writer = writer;
        this.accepted = Counter.builder().name("aami_heartbeats_total").help("Heartbeats accepted").register(registry);
        this.clock = clock;
        this.dropped = new DroppedLocalApis(registry, clock);
        this.offlineAfter = config.offlineAfter();
        this.intervalSeconds = (int) config.interval().toSeconds();
    }

    /** {@code source}: the peer address of the connection the heartbeat came on (never a header). */
    public HeartbeatResponse record(UUID agentId, HeartbeatRequest req, String source) {
        if (req.uptimeSeconds() != null && req.uptimeSeconds() < 0) {
            throw ApiException.invalid("uptime_seconds", "must not be negative");
        }
        if (req.queueDepth() != null && req.queueDepth() < 0) {
            throw ApiException.invalid("queue_depth", "must not be negative");
        }
        if (req.spoolDropped() != null && req.spoolDropped() < 0) {
            throw ApiException.invalid("spool_dropped", "must not be negative");
        }
        String version = Fields.optional("agent_version", req.agentVersion(), 64);
        Instant now = clock.instant();
        int interval = intervalSeconds;
        String policyError = Fields.optional("policy_error", req.policyError(), 1024);
        LocalApiField.Value api = localApi(agentId, req);
        writer.submit(new Beat(agentId, now, now.plus(offlineAfter), interval, version, req.uptimeSeconds(),
                req.queueDepth(), req.policyVersion(), policyError, api == null ? null : api.host(), api == null ? null : api.port(),
                sourceIp(source), req.spoolDropped()));
        accepted.inc();
        return new HeartbeatResponse(now, interval);
    }

    private LocalApiField.Value localApi(UUID agentId, HeartbeatRequest req) {
        try {
            return LocalApiField.read(req.localApi());
        } catch (ApiException e) {
            dropped.dropped(agentId, e.field());
            return null;
        }
    }

    /**
     * The canonical form of the connection's peer address ({@code [::1]} as Jetty writes IPv6 is {@code 0:0:0:0:0:0:0:1},
     * an IPv4-mapped one is the IPv4 address); null for anything else, such as a link-local address with a zone,
     * which no other host could use.
     */
    static String sourceIp(String remoteAddr) {
        if (remoteAddr == null) {
            return null;
        }
        String s = remoteAddr.startsWith("[") && remoteAddr.endsWith("]") ? remoteAddr.substring(1, remoteAddr.length() - 1) : remoteAddr;
        try {
            return Fields.ipAddress("source", s);
        } catch (ApiException e) {
            return null;
        }
    }
}
