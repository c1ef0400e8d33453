package io.aami.server.console.probes;

import io.aami.contract.groups.GroupView;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbeView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the probe form (create and edit) is drawn from: the probe being edited (null for a new one) and the groups a
 * scope or a destination may name. Each control is named by its wire field, so the API's {@code field} finds it.
 */
public record ProbeForm(ProbeView probe, List<GroupView> groups) {
    public boolean isNew() {
        return probe == null;
    }

    public String scope() {
        return probe == null ? "global" : probe.scope();
    }

    /** {@code host} (an address or host name) or {@code group} (every member of a group). */
    public String dest() {
        return probe != null && probe.targetGroupId() != null ? "group" : "host";
    }

    public String name() {
        return probe == null ? "" : probe.name();
    }

    public String description() {
        return probe == null ? "" : probe.description();
    }

    public String target() {
        return probe == null || probe.target() == null ? "" : probe.target();
    }

    public String port() {
        return probe == null || probe.icmp() != null ? "" : String.valueOf(probe.targetPort());
    }

    public String protocol() {
        return probe == null ? "TCP" : probe.protocol();
    }

    public String interval() {
        return probe == null ? "60" : String.valueOf(probe.intervalSeconds());
    }

    public String timeout() {
        return String.valueOf(probe == null ? ProbeLimits.DEFAULT_TIMEOUT_MS : probe.timeoutMs());
    }

    public String sourceIp() {
        return probe == null || probe.sourceIp() == null ? "" : probe.sourceIp();
    }

    public String sourcePort() {
        return probe == null || probe.sourcePort() == null ? "" : String.valueOf(probe.sourcePort());
    }

    public String payload() {
        return probe == null || probe.payload() == null ? "" : probe.payload();
    }

    public String expect() {
        return probe == null || probe.expect() == null ? "" : probe.expect();
    }

    /** An HTTP(S) probe's options as JSON for the form's textarea; empty for TCP and UDP. */
    public String http() {
        if (probe == null || probe.http() == null) {
            return "";
        }
        try {
            return io.aami.common.json.WireJson.mapper().writeValueAsString(probe.http());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("http options always serialize", e);
        }
    }

    /** An ICMP probe's options as JSON for the form's textarea; empty for the other protocols. */
    public String icmp() {
        if (probe == null || probe.icmp() == null) {
            return "";
        }
        try {
            return io.aami.common.json.WireJson.mapper().writeValueAsString(probe.icmp());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("icmp options always serialize", e);
        }
    }

    public boolean udpNoReplyOk() {
        return probe != null && probe.udpNoReplyOk();
    }

    public String targetId() {
        return probe == null || probe.targetId() == null ? "" : probe.targetId().toString();
    }

    public boolean inGroup(GroupView g) {
        return probe != null && g.id().equals(probe.groupId());
    }

    public boolean destinationGroup(GroupView g) {
        return probe != null && g.id().equals(probe.targetGroupId());
    }

    public boolean enabled() {
        return probe == null || probe.enabled();
    }

    public String labels() {
        return probe == null || probe.labels() == null ? "" : probe.labels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
