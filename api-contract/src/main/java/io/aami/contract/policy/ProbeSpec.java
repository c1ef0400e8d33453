package io.aami.contract.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aami.contract.probes.HttpProbeOptions;
import java.util.Map;
import java.util.UUID;

/**
 * One connectivity probe as an agent receives it. A group-to-group probe arrives expanded: one
 * spec per member of the destination group, {@code destinationTargetId} naming that member.
 * {@code payload} and {@code expect} are hex; {@code expect} is what a UDP reply must contain.
 */
public record ProbeSpec(UUID probeId, UUID destinationTargetId, String name, String sourceIp, Integer sourcePort,
                        String target, int targetPort, String protocol, int timeoutMs, int intervalSeconds,
                        String payload, String expect, boolean udpNoReplyOk, Map<String, String> labels,
        @JsonInclude(JsonInclude.Include.NON_NULL) HttpProbeOptions http,
        @JsonInclude(JsonInclude.Include.NON_NULL) io.aami.contract.probes.IcmpProbeOptions icmp) {
    /** A TCP, UDP or HTTP(S) probe (no icmp options). */
    public ProbeSpec(UUID probeId, UUID destinationTargetId, String name, String sourceIp, Integer sourcePort,
                        String target, int targetPort, String protocol, int timeoutMs, int intervalSeconds,
                        String payload, String expect, boolean udpNoReplyOk, Map<String, String> labels,
        HttpProbeOptions http) {
        this(probeId, destinationTargetId, name, sourceIp, sourcePort, target, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, labels, http, null);
    }

    /** A TCP or UDP probe (no http options). */
    public ProbeSpec(UUID probeId, UUID destinationTargetId, String name, String sourceIp, Integer sourcePort,
                        String target, int targetPort, String protocol, int timeoutMs, int intervalSeconds,
                        String payload, String expect, boolean udpNoReplyOk, Map<String, String> labels) {
        this(probeId, destinationTargetId, name, sourceIp, sourcePort, target, targetPort, protocol, timeoutMs, intervalSeconds, payload, expect, udpNoReplyOk, labels, null);
    }

}
