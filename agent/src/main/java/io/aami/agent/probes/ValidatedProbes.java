package io.aami.agent.probes;

import static io.aami.common.text.Strings.blankToNull;

import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.HttpProbeRules;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.IcmpProbeRules;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbePorts;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeReason;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns wire input (a {@link ProbeTask}, the GET /probe query, a scheduled {@link ProbeSpec}) into
 * a {@link ValidatedProbe}, or an {@link InvalidProbeException} whose message names the bad field.
 * The local API answers those with 400; scheduled probes report them as a result with reason
 * {@code invalid} ({@link #invalidResult}).
 */
public final class ValidatedProbes {
    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]+");
    private ValidatedProbes() {
    }

    /** The validated form of {@code task}. */
    public static ValidatedProbe from(ProbeTask task) {
        if (task == null) {
            throw new InvalidProbeException("task", "probe task is null");
        }
        String taskId = taskId(task.taskId());
        String target = target(task.targetIp());
        ProbeProtocol protocol = protocol(task.protocol());
        int targetPort = protocol.icmp() ? noPort("target_port", task.targetPort()) : targetPort(task.targetPort());
        int timeoutMs = timeout(task.timeoutMs());
        int sourcePort = protocol.icmp() ? noPort("source_port", task.sourcePort()) : sourcePort(task.sourcePort());
        InetAddress source = blank(task.sourceIp()) ? null : AddressLiterals.ip("source_ip", task.sourceIp().trim());
        InetAddress targetAddress = AddressLiterals.literalOrNull("target_ip", target);
        if (source != null && targetAddress != null && ValidatedProbe.isV4(source) != ValidatedProbe.isV4(targetAddress)) {
            throw new InvalidProbeException("source_ip", "source_ip " + source.getHostAddress() + " and target_ip "
                    + targetAddress.getHostAddress() + " are of different address families");
        }
        String refused = protocol.icmp() && targetAddress != null ? IcmpProbeRules.targetProblem(targetAddress) : null;
        if (refused != null) {
            throw new InvalidProbeException("target_ip", "target_ip " + refused);
        }
        byte[] payload = Hex.decode("payload", task.payload(), ProbeLimits.MAX_UDP_PAYLOAD_BYTES);
        byte[] expect = Hex.decode("expect", task.expect(), ProbeLimits.MAX_UDP_PAYLOAD_BYTES);
        boolean noReplyOk = Boolean.TRUE.equals(task.udpNoReplyOk());
        if (protocol != ProbeProtocol.UDP) {
            rejectUdpOnlyFields(payload, expect, noReplyOk);
        }
        return new ValidatedProbe(taskId, source, sourcePort, target, targetAddress, targetPort, protocol, timeoutMs,
                payload, expect.length == 0 ? null : expect, noReplyOk, http(task.http(), protocol),
                icmp(task.icmp(), protocol, timeoutMs));
    }

    /** The normalized ICMP options of an ICMP probe (defaults when absent); refused on the other protocols. */
    private static IcmpProbeOptions icmp(IcmpProbeOptions options, ProbeProtocol protocol, int timeoutMs) {
        if (!protocol.icmp()) {
            if (options != null) {
                throw new InvalidProbeException("icmp", "icmp applies to ICMP probes only");
            }
            return null;
        }
        IcmpProbeRules.Result r = IcmpProbeRules.check(options, timeoutMs);
        if (!r.valid()) {
            throw new InvalidProbeException(r.field(), r.field() + " " + r.problem());
        }
        return r.options();
    }

    /** ICMP has no ports: a port given anyway is a misunderstanding, refused rather than ignored (0 is "none"). */
    private static int noPort(String field, Integer port) {
        if (port != null && port != 0) {
            throw new InvalidProbeException(field, field + " does not apply to ICMP probes (ICMP has no ports), got " + port);
        }
        return 0;
    }

    /** The normalized HTTP options of an HTTP(S) probe (defaults when absent); refused on TCP and UDP. */
    private static HttpProbeOptions http(HttpProbeOptions options, ProbeProtocol protocol) {
        if (!protocol.http()) {
            if (options != null) {
                throw new InvalidProbeException("http", "http applies to HTTP and HTTPS probes only");
            }
            return null;
        }
        HttpProbeRules.Result r = HttpProbeRules.check(options, protocol);
        if (!r.valid()) {
            throw new InvalidProbeException(r.field(), r.field() + " " + r.problem());
        }
        return r.options();
    }

    /** The validated form of the GET /probe query ({@code target} is accepted for {@code target_ip}). */
    public static ValidatedProbe fromQuery(Map<String, String> query) {
        String target = query.containsKey("target_ip") ? query.get("target_ip") : query.get("target");
        Integer count = integer(query, "count");
        Integer intervalMs = integer(query, "interval_ms");
        IcmpProbeOptions icmp = count == null && intervalMs == null ? null : new IcmpProbeOptions(count, intervalMs);
        return from(new ProbeTask(blankToNull(query.get("task_id")), blankToNull(query.get("source_ip")),
                integer(query, "source_port"), target, integer(query, "target_port"), blankToNull(query.get("protocol")),
                integer(query, "timeout_ms"), blankToNull(query.get("payload")), blankToNull(query.get("expect")),
                bool(query, "udp_no_reply_ok"), null, icmp));
    }

    /** A scheduled probe as a task recorded under {@code taskId}; validate it with {@link #from}. */
    public static ProbeTask toTask(ProbeSpec spec, String taskId) {
        return new ProbeTask(taskId, spec.sourceIp(), spec.sourcePort(), spec.target(), spec.targetPort(), spec.protocol(),
                spec.timeoutMs(), spec.payload(), spec.expect(), spec.udpNoReplyOk(), spec.http(), spec.icmp());
    }

    /** The result that reports an invalid {@code task} instead of running it (scheduled probes). */
    public static ProbeResult invalidResult(ProbeTask task, Clock clock) {
        String protocol = task.protocol() == null ? ProbeProtocol.DEFAULT.wire() : task.protocol().toUpperCase(Locale.ROOT);
        return new ProbeResult(task.taskId(), task.sourceIp(), task.sourcePort() == null ? 0 : task.sourcePort(),
                task.targetIp(), task.targetPort() == null ? 0 : task.targetPort(), protocol, false,
                ProbeReason.INVALID.wire(), null, null, 0.0, clock.instant());
    }

    /** Task ids become metric labels; longer ones are refused rather than truncated. */
    private static String taskId(String taskId) {
        if (taskId != null && taskId.length() > ProbeLimits.MAX_TASK_ID_LENGTH) {
            throw new InvalidProbeException("task_id", "task_id must be at most " + ProbeLimits.MAX_TASK_ID_LENGTH
                    + " characters, got " + taskId.length());
        }
        return taskId;
    }

    private static String target(String target) {
        if (blank(target)) {
            throw new InvalidProbeException("target_ip", "target_ip is required (an IP address or host name)");
        }
        return target.trim();
    }

    private static int targetPort(Integer port) {
        if (port == null) {
            throw new InvalidProbeException("target_port", "target_port is required");
        }
        if (port < ProbePorts.MIN_TARGET_PORT || port > ProbePorts.MAX_PORT) {
            throw new InvalidProbeException("target_port", "target_port must be " + ProbePorts.MIN_TARGET_PORT + ".."
                    + ProbePorts.MAX_PORT + ", got " + port);
        }
        return port;
    }

    private static int sourcePort(Integer port) {
        if (port != null && (port < ProbePorts.EPHEMERAL || port > ProbePorts.MAX_PORT)) {
            throw new InvalidProbeException("source_port", "source_port must be " + ProbePorts.EPHEMERAL + ".."
                    + ProbePorts.MAX_PORT + " (0 = ephemeral), got " + port);
        }
        return port == null ? ProbePorts.EPHEMERAL : port;
    }

    private static int timeout(Integer timeoutMs) {
        if (timeoutMs == null) {
            return ProbeLimits.DEFAULT_TIMEOUT_MS;
        }
        if (timeoutMs < ProbeLimits.MIN_TIMEOUT_MS || timeoutMs > ProbeLimits.MAX_TIMEOUT_MS) {
            throw new InvalidProbeException("timeout_ms", "timeout_ms must be " + ProbeLimits.MIN_TIMEOUT_MS + ".."
                    + ProbeLimits.MAX_TIMEOUT_MS + ", got " + timeoutMs);
        }
        return timeoutMs;
    }

    /** Null or blank is the default (TCP); an unknown name is refused with the names that are known. */
    private static ProbeProtocol protocol(String text) {
        return ProbeProtocol.parse(text).orElseThrow(() ->
                new InvalidProbeException("protocol", "protocol must be " + ProbeProtocol.names() + ", got '" + text + "'"));
    }

    /** A TCP probe succeeds on the handshake; silently ignoring these fields would hide a misconfiguration. */
    private static void rejectUdpOnlyFields(byte[] payload, byte[] expect, boolean noReplyOk) {
        if (payload.length > 0) {
            throw new InvalidProbeException("payload", "payload applies to UDP probes only");
        }
        if (expect.length > 0) {
            throw new InvalidProbeException("expect", "expect applies to UDP probes only");
        }
        if (noReplyOk) {
            throw new InvalidProbeException("udp_no_reply_ok", "udp_no_reply_ok applies to UDP probes only");
        }
    }

    private static Integer integer(Map<String, String> query, String name) {
        String value = query.get(name);
        if (blank(value)) {
            return null;
        }
        // ASCII digits only: Integer.valueOf also reads other scripts' digits ("١٢" as 12), and a port or
        // timeout a log shows in one form must not be what a probe used in another.
        String digits = value.trim();
        if (!ASCII_INTEGER.matcher(digits).matches()) {
            throw new InvalidProbeException(name, name + " must be an integer, got '" + value + "'");
        }
        try {
            return Integer.valueOf(digits);
        } catch (NumberFormatException e) {
            throw new InvalidProbeException(name, name + " must be an integer, got '" + value + "'");
        }
    }

    private static Boolean bool(Map<String, String> query, String name) {
        String value = query.get(name);
        if (blank(value)) {
            return null;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw new InvalidProbeException(name, name + " must be true or false, got '" + value + "'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
