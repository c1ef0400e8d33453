package io.aami.server.probes;

import io.aami.server.validation.Fields;
import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.HttpProbeRules;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.IcmpProbeRules;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbePorts;
import io.aami.contract.probes.ProbeRequest;
import io.aami.contract.probes.ProbeView;
import io.aami.server.error.ApiException;
import io.aami.server.policyscope.PolicyScope;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Turns a {@link ProbeRequest} into a valid {@link ProbeView} or a 400 naming the field. */
final class ProbeValidator {
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");
    private static final Pattern HEX = Pattern.compile("([0-9A-Fa-f]{2}){1," + ProbeLimits.MAX_POLICY_PAYLOAD_BYTES + "}");

    ProbeView validated(UUID id, ProbeRequest r, Instant created, Instant updated) {
        String name = Fields.required("name", r.name(), 128);
        String protocol = protocol(r.protocol());
        if ((r.target() == null || r.target().isBlank()) == (r.targetGroupId() == null)) {
            throw ApiException.invalid("target", "give exactly one of target (an address or host name) or target_group_id");
        }
        String target = r.target() == null ? null : target(r.target().trim());
        boolean icmp = ProbeProtocol.ICMP.wire().equals(protocol);
        if (icmp && target != null && (target.indexOf(':') >= 0 || target.matches("[0-9.]+"))) {
            refusedIcmpTarget(target);
        }
        int port = icmp ? noPort("target_port", r.targetPort())
                : range("target_port", r.targetPort(), null, ProbePorts.MIN_TARGET_PORT, ProbePorts.MAX_PORT);
        Integer sourcePort = icmp ? (Integer) (r.sourcePort() == null ? null : noPort("source_port", r.sourcePort()))
                : r.sourcePort() == null ? null : range("source_port", r.sourcePort(), null, ProbePorts.EPHEMERAL, ProbePorts.MAX_PORT);
        int interval = range("interval_seconds", r.intervalSeconds(), null, ProbeLimits.MIN_INTERVAL_SECONDS,
                ProbeLimits.MAX_INTERVAL_SECONDS);
        int timeout = range("timeout_ms", r.timeoutMs(), ProbeLimits.DEFAULT_TIMEOUT_MS, ProbeLimits.MIN_TIMEOUT_MS,
                ProbeLimits.MAX_TIMEOUT_MS);
        if (timeout > interval * 1000L) {
            throw ApiException.invalid("timeout_ms", "must not exceed interval_seconds");
        }
        boolean udp = ProbeProtocol.UDP.wire().equals(protocol);
        String payload = hex("payload", r.payload(), udp);
        String expect = hex("expect", r.expect(), udp);
        if (Boolean.TRUE.equals(r.udpNoReplyOk()) && !udp) {
            throw ApiException.invalid("udp_no_reply_ok", "applies to UDP probes only");
        }
        HttpProbeOptions http = http(r.http(), ProbeProtocol.parse(protocol).orElseThrow());
        IcmpProbeOptions icmpOptions = icmp(r.icmp(), icmp, timeout, interval);
        String scope = PolicyScope.of(r.groupId(), r.targetId(), r.global());
        return new ProbeView(id, name, r.description() == null ? "" : Fields.optional("description", r.description(), 1024),
                Fields.ipAddress("source_ip", r.sourceIp()), sourcePort, target, r.targetGroupId(), port, protocol, timeout,
                interval, payload, expect, Boolean.TRUE.equals(r.udpNoReplyOk()), scope, r.groupId(), r.targetId(),
                "global".equals(scope), Fields.labels("labels", r.labels()), r.enabled() == null || r.enabled(), created, updated,
                http, icmpOptions);
    }

    /** ICMP: the options with their defaults, by the rules the agent applies too, fitting in the interval; refused elsewhere. */
    private static IcmpProbeOptions icmp(IcmpProbeOptions options, boolean icmp, int timeoutMs, int intervalSeconds) {
        if (!icmp) {
            if (options != null) {
                throw ApiException.invalid("icmp", IcmpProbeRules.ICMP_ONLY);
            }
            return null;
        }
        IcmpProbeRules.Result r = IcmpProbeRules.check(options, timeoutMs, intervalSeconds);
        if (!r.valid()) {
            throw ApiException.invalid(r.field(), r.problem());
        }
        return r.options();
    }

    /** ICMP has no ports: 0 (or, for the source, absent) is the only value, anything else a misunderstanding. */
    private static int noPort(String field, Integer port) {
        if (port != null && port != 0) {
            throw ApiException.invalid(field, "does not apply to ICMP probes (ICMP has no ports)");
        }
        return 0;
    }

    /** HTTP(S): the options with their defaults, by the rules the agent applies too; refused on TCP and UDP. */
    private static HttpProbeOptions http(HttpProbeOptions options, ProbeProtocol protocol) {
        if (!protocol.http()) {
            if (options != null) {
                throw ApiException.invalid("http", HttpProbeRules.HTTP_ONLY);
            }
            return null;
        }
        HttpProbeRules.Result r = HttpProbeRules.check(options, protocol);
        if (!r.valid()) {
            throw ApiException.invalid(r.field(), r.problem());
        }
        return r.options();
    }

    private static String protocol(String raw) {
        // Unlike the agent's local API, a blank protocol here is a mistake in a stored definition, not an omitted one.
        if (raw != null && raw.isBlank()) {
            throw ApiException.invalid("protocol", "must be " + ProbeProtocol.names());
        }
        return ProbeProtocol.parse(raw).orElseThrow(() -> ApiException.invalid("protocol", "must be " + ProbeProtocol.names()))
                .wire();
    }

    /** A literal ICMP target the agent will not ping ({@link IcmpProbeRules#targetProblem}) is refused now, not at run time. */
    private static void refusedIcmpTarget(String literal) {
        try {
            String problem = IcmpProbeRules.targetProblem(java.net.InetAddress.getByName(literal));
            if (problem != null) {
                throw ApiException.invalid("target", problem);
            }
        } catch (java.net.UnknownHostException e) {
            throw ApiException.invalid("target", "'" + literal + "' is not an IP address");
        }
    }

    private static String target(String t) {
        if (t.indexOf(':') >= 0 || t.matches("[0-9.]+")) {
            return Fields.ipAddress("target", t);
        }
        if (!HOST.matcher(t).matches()) {
            throw ApiException.invalid("target", "'" + t + "' is neither an IP address nor a host name");
        }
        return t;
    }

    private static int range(String field, Integer value, Integer def, int min, int max) {
        if (value == null) {
            if (def == null) {
                throw ApiException.invalid(field, "is required");
            }
            return def;
        }
        if (value < min || value > max) {
            throw ApiException.invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static String hex(String field, String value, boolean udp) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!udp) {
            throw ApiException.invalid(field, "applies to UDP probes only");
        }
        if (!HEX.matcher(value).matches()) {
            throw ApiException.invalid(field, "must be hex bytes (an even number of 0-9a-f digits, at most "
                    + ProbeLimits.MAX_POLICY_PAYLOAD_BYTES + " bytes)");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
