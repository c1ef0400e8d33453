package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * The probe seed's task: {@code POST /probe_json} body and {@code /run_tasks} element.
 * {@code target_ip} may also be a host name; {@code source_port} 0 or absent means ephemeral.
 */
public record ProbeTask(String taskId, String sourceIp, Integer sourcePort, @JsonAlias("target") String targetIp,
                        Integer targetPort, String protocol, Integer timeoutMs, String payload, String expect,
                        Boolean udpNoReplyOk,
        @JsonInclude(JsonInclude.Include.NON_NULL) HttpProbeOptions http,
        @JsonInclude(JsonInclude.Include.NON_NULL) IcmpProbeOptions icmp) {
    /** A TCP, UDP or HTTP(S) probe (no icmp options). */
    public ProbeTask(String taskId, String sourceIp, Integer sourcePort, String targetIp,
                        Integer targetPort, String protocol, Integer timeoutMs, String payload, String expect,
                        Boolean udpNoReplyOk,
        HttpProbeOptions http) {
        this(taskId, sourceIp, sourcePort, targetIp, targetPort, protocol, timeoutMs, payload, expect, udpNoReplyOk, http, null);
    }

    /** A TCP or UDP probe (no http options). */
    public ProbeTask(String taskId, String sourceIp, Integer sourcePort, String targetIp,
                        Integer targetPort, String protocol, Integer timeoutMs, String payload, String expect,
                        Boolean udpNoReplyOk) {
        this(taskId, sourceIp, sourcePort, targetIp, targetPort, protocol, timeoutMs, payload, expect, udpNoReplyOk, null);
    }

}
