package io.aami.server.sd;

import io.aami.contract.sd.SdTargetGroup;
import io.aami.server.db.Database;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which agents' local {@code /metrics} a Prometheus can scrape, and at which {@code host:port}. An API
 * bound to this host's default loopback ({@code 127.0.0.1}, {@code ::1}, {@code localhost}, the agent's
 * default) answers only on the agent's host and is not listed; a wildcard bind ({@code 0.0.0.0},
 * {@code ::}) is listed at the address the agent reported when it enrolled (not listed without one);
 * any other host as bound. Every label is a {@code __meta_aami_*} one, so the scrape config's
 * relabeling decides what the series carry.
 */
public final class SdService {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "localhost", "localhost.");
    private static final Set<String> WILDCARD = Set.of("0.0.0.0", "0:0:0:0:0:0:0:0");
    private static final Pattern NOT_LABEL_CHAR = Pattern.compile("[^A-Za-z0-9_]");

    private final Database db;
    private final SdStore store;

    public SdService(Database db, SdStore store) {
        this.db = db;
        this.store = store;
    }

    /** One target group per listed agent, ordered by agent id. */
    public List<SdTargetGroup> prometheusTargets() {
        List<SdTargetGroup> out = new ArrayList<>();
        for (SdStore.AgentApi a : db.withConnection(store::listed)) {
            String address = address(a.apiHost(), a.apiPort(), a.reportedIp());
            if (address != null) {
                out.add(new SdTargetGroup(List.of(address), labels(a)));
            }
        }
        return out;
    }

    /** {@code host:port} a Prometheus elsewhere can reach, or null when there is none. */
    static String address(String apiHost, int port, String reportedIp) {
        String host = WILDCARD.contains(apiHost) ? reportedIp : apiHost;
        if (host == null || LOOPBACK.contains(host.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static Map<String, String> labels(SdStore.AgentApi a) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SdTargetGroup.AGENT_ID, a.id().toString());
        labels.put(SdTargetGroup.HOSTNAME, a.hostname());
        if (a.reportedHostname() != null) {
            labels.put(SdTargetGroup.REPORTED_HOSTNAME, a.reportedHostname());
        }
        if (a.groupId() != null) {
            labels.put(SdTargetGroup.GROUP_ID, a.groupId().toString());
            labels.put(SdTargetGroup.GROUP_NAME, a.groupName());
        }
        // Sorted, so that when two keys sanitize alike (a.b, a_b) the same one wins on every call.
        new TreeMap<>(a.labels()).forEach((k, v) -> labels.putIfAbsent(sanitized(k), v));
        return labels;
    }

    /** A Prometheus label name: {@code __meta_aami_label_} and the key with every other character as {@code _}. */
    static String sanitized(String key) {
        return SdTargetGroup.LABEL_PREFIX + NOT_LABEL_CHAR.matcher(key).replaceAll("_");
    }
}
