package io.aami.agent.probes;

import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbePorts;
import io.aami.contract.probes.ProbeProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A validated probe, ready to run: the engine's input; a {@link ProbeAttempt} is one run of it. (The
 * admin API's probe definition body is {@code io.aami.contract.probes.ProbeRequest}, a different thing.)
 * Build it with {@link ValidatedProbes}, which turns wire input into precise errors; this constructor
 * only guards the invariants the engine relies on.
 *
 * @param taskId        optional caller id, echoed in the result
 * @param sourceIp      local address to bind, or null for the kernel's choice
 * @param sourcePort    local port to bind, 0 for an ephemeral one
 * @param target        the target as given: an IP literal or a host name
 * @param targetAddress the parsed literal, or null when {@code target} is a host name to resolve
 * @param payload       bytes a UDP probe sends (empty: an empty datagram); treat as read-only
 * @param expect        bytes a UDP reply must contain, or null for "any reply"; treat as read-only
 * @param http          HTTP(S) only: the normalized options ({@code HttpProbeRules.normalized}); null otherwise
 * @param icmp          ICMP only: the normalized options ({@code IcmpProbeRules.check}); null otherwise. An ICMP probe's ports are 0
 */
public record ValidatedProbe(String taskId, InetAddress sourceIp, int sourcePort, String target, InetAddress targetAddress,
                             int targetPort, ProbeProtocol protocol, int timeoutMs, byte[] payload, byte[] expect,
                             boolean udpNoReplyOk, HttpProbeOptions http, IcmpProbeOptions icmp) {
    /** A TCP, UDP or HTTP(S) probe. */
    public ValidatedProbe(String taskId, InetAddress sourceIp, int sourcePort, String target, InetAddress targetAddress,
                          int targetPort, ProbeProtocol protocol, int timeoutMs, byte[] payload, byte[] expect,
                          boolean udpNoReplyOk, HttpProbeOptions http) {
        this(taskId, sourceIp, sourcePort, target, targetAddress, targetPort, protocol, timeoutMs, payload, expect,
                udpNoReplyOk, http, null);
    }

    /** A TCP or UDP probe. */
    public ValidatedProbe(String taskId, InetAddress sourceIp, int sourcePort, String target, InetAddress targetAddress,
                          int targetPort, ProbeProtocol protocol, int timeoutMs, byte[] payload, byte[] expect,
                          boolean udpNoReplyOk) {
        this(taskId, sourceIp, sourcePort, target, targetAddress, targetPort, protocol, timeoutMs, payload, expect,
                udpNoReplyOk, null);
    }

    public ValidatedProbe {
        if (protocol != null && protocol.http() != (http != null)) {
            throw new IllegalArgumentException("http options are required for HTTP(S) probes and refused for others");
        }
        if (protocol != null && protocol.icmp() != (icmp != null)) {
            throw new IllegalArgumentException("icmp options are required for ICMP probes and refused for others");
        }
        if (icmp != null && (sourcePort != 0 || targetPort != 0)) {
            throw new IllegalArgumentException("an ICMP probe has no ports");
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(payload, "payload");
        if (sourcePort < ProbePorts.EPHEMERAL || sourcePort > ProbePorts.MAX_PORT) {
            throw new IllegalArgumentException("sourcePort must be " + ProbePorts.EPHEMERAL + ".." + ProbePorts.MAX_PORT
                    + ", got " + sourcePort);
        }
        if (icmp == null && targetPort < ProbePorts.MIN_TARGET_PORT || targetPort > ProbePorts.MAX_PORT) {
            throw new IllegalArgumentException("targetPort must be " + ProbePorts.MIN_TARGET_PORT + ".." + ProbePorts.MAX_PORT
                    + ", got " + targetPort);
        }
        if (timeoutMs < ProbeLimits.MIN_TIMEOUT_MS || timeoutMs > ProbeLimits.MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("timeoutMs must be " + ProbeLimits.MIN_TIMEOUT_MS + ".."
                    + ProbeLimits.MAX_TIMEOUT_MS + ", got " + timeoutMs);
        }
        if (sourceIp != null && targetAddress != null && isV4(sourceIp) != isV4(targetAddress)) {
            throw new IllegalArgumentException("sourceIp and targetAddress must be of the same address family");
        }
    }

    /** True when the target must be resolved before probing. */
    public boolean needsDns() {
        return targetAddress == null;
    }

    static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }
}
