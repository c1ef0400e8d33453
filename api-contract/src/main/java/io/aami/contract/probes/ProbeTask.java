package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * The probe seed's task: {@code POST /probe_json} body and {@code /run_tasks} element.
 * {@code target_ip} may also be a host name; {@code source_port} 0 or absent means ephemeral.
 */
public record ProbeTask(String taskId, String sourceIp, Integer sourcePort, @JsonAlias("target") String targetIp,
                        Integer targetPort, String protocol, Integer timeoutMs, String payload, String expect,
                        Boolean udpNoReplyOk) {
}
