package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /api/v1/probes} and {@code PUT /api/v1/probes/{id}}. The destination is
 * {@code target} (an address or host name) or {@code target_group_id} (every member of that group,
 * kept current as members come and go). The scope is exactly one of {@code group_id},
 * {@code target_id} or {@code "global": true}.
 */
public record ProbeRequest(String name, String description, String sourceIp, Integer sourcePort, String target,
                           UUID targetGroupId, Integer targetPort, String protocol, Integer timeoutMs, Integer intervalSeconds,
                           String payload, String expect, Boolean udpNoReplyOk, UUID groupId, UUID targetId, Boolean global,
                           Map<String, String> labels, Boolean enabled,
        @JsonInclude(JsonInclude.Include.NON_NULL) HttpProbeOptions http,
        @JsonInclude(JsonInclude.Include.NON_NULL) IcmpProbeOptions icmp) {
    /** A TCP, UDP or HTTP(S) probe (no icmp options). */
    public ProbeRequest(String name, String description, String sourceIp, Integer sourcePort, String target,
                           UUID targetGroupId, Integer targetPort, String protocol, Integer timeoutMs, Integer intervalSeconds,
                           String payload, String expect, Boolean udpNoReplyOk, UUID groupId, UUID targetId, Boolean global,
                           Map<String, String> labels, Boolean enabled,
        HttpProbeOptions http) {
        this(name, description, sourceIp, sourcePort, target, targetGroupId, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, groupId, targetId, global, labels, enabled, http, null);
    }

    /** A TCP or UDP probe (no http options). */
    public ProbeRequest(String name, String description, String sourceIp, Integer sourcePort, String target,
                           UUID targetGroupId, Integer targetPort, String protocol, Integer timeoutMs, Integer intervalSeconds,
                           String payload, String expect, Boolean udpNoReplyOk, UUID groupId, UUID targetId, Boolean global,
                           Map<String, String> labels, Boolean enabled) {
        this(name, description, sourceIp, sourcePort, target, targetGroupId, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, groupId, targetId, global, labels, enabled, null);
    }

}
