package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A probe policy as the admin API returns it. */
public record ProbeView(UUID id, String name, String description, String sourceIp, Integer sourcePort, String target,
                        UUID targetGroupId, int targetPort, String protocol, int timeoutMs, int intervalSeconds, String payload,
                        String expect, boolean udpNoReplyOk, String scope, UUID groupId, UUID targetId, boolean global,
                        Map<String, String> labels, boolean enabled, Instant createdAt, Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) HttpProbeOptions http,
        @JsonInclude(JsonInclude.Include.NON_NULL) IcmpProbeOptions icmp) {
    /** A TCP, UDP or HTTP(S) probe (no icmp options). */
    public ProbeView(UUID id, String name, String description, String sourceIp, Integer sourcePort, String target,
                        UUID targetGroupId, int targetPort, String protocol, int timeoutMs, int intervalSeconds, String payload,
                        String expect, boolean udpNoReplyOk, String scope, UUID groupId, UUID targetId, boolean global,
                        Map<String, String> labels, boolean enabled, Instant createdAt, Instant updatedAt,
        HttpProbeOptions http) {
        this(id, name, description, sourceIp, sourcePort, target, targetGroupId, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, scope, groupId, targetId, global, labels, enabled, createdAt, updatedAt, http, null);
    }

    /** A TCP or UDP probe (no http options). */
    public ProbeView(UUID id, String name, String description, String sourceIp, Integer sourcePort, String target,
                        UUID targetGroupId, int targetPort, String protocol, int timeoutMs, int intervalSeconds, String payload,
                        String expect, boolean udpNoReplyOk, String scope, UUID groupId, UUID targetId, boolean global,
                        Map<String, String> labels, boolean enabled, Instant createdAt, Instant updatedAt) {
        this(id, name, description, sourceIp, sourcePort, target, targetGroupId, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, scope, groupId, targetId, global, labels, enabled, createdAt, updatedAt, null);
    }

}
