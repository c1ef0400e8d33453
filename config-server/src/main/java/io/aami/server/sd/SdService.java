package io.aami.server.sd;

import io.aami.contract.sd.SdTargetGroup;
import io.aami.server.db.Database;
import io.aami.server.security.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which agents' local {@code /metrics} a Prometheus can scrape, and at which {@code host:port}. The central
 * Prometheus sends its agent-scrape credential to every listed address, and an agent (running as root on a host
 * that may be compromised) chooses what its heartbeat reports; so an agent is listed only at an address the
 * server can vouch for:
 * <ul>
 *   <li>the IP address its last heartbeat came from (as the server's socket saw it, never a header), when the
 *       API is bound to a wildcard address ({@code 0.0.0.0}, {@code ::}) or to exactly that address, it is
 *       not a loopback one (the agent's loopback is not Prometheus's), and no other recently heartbeating target
 *       comes from it (behind NAT or a TLS-terminating proxy every agent does: the source then names no one
 *       agent, and listing them all at it would scrape one host under every agent's labels);</li>
 *   <li>or the IP address it bound, when that and the heartbeat's source both lie in the operator's
 *       {@code sd.allowed_cidrs}: a CIDR there says the agents in it are trusted to name their own addresses in
 *       it (agents behind NAT or a proxy whose address is listed too, several agents on one host). A wildcard
 *       bind is never listed this way: its address is the shared source.</li>
 * </ul>
 * Anything else is not listed: a host name (never, whatever resolves it), an address outside both rules, this
 * host's default loopback ({@code 127.0.0.1}, {@code ::1}, the agent's default), which answers only on the
 * agent's host, an agent not heard from for {@link #LISTED_FOR} heartbeat intervals (its address may be
 * another host's by now), and every target of a {@code host:port} that several targets resolve to (none of them
 * can be told from the others). Every label is a {@code __meta_aami_*} one, so the scrape config's relabeling
 * decides what the series carry. Exports {@code aami_sd_conflicting_targets}: targets left out by the last
 * call because another target resolved to the same address.
 */
public final class SdService {
    private static final Pattern NOT_LABEL_CHAR = Pattern.compile("[^A-Za-z0-9_]");
    // Strict: a string that is not a literal would make InetAddress look the name up.
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final byte[] IPV4_LOOPBACK = {127, 0, 0, 1};
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Heartbeat intervals after the last heartbeat during which an agent stays listed (online or offline). */
    static final int LISTED_FOR = 10;

    private final Database db;
    private final SdStore store;
    private final List<Cidr> allowed;
    private final Clock clock;
    private final Duration listedFor;
    private final Gauge conflicting;

    /** @param heartbeatInterval the interval agents are told to heartbeat at ({@code heartbeat.interval}) */
    SdService(Database db, SdStore store, List<Cidr> allowed, Clock clock, Duration heartbeatInterval, PrometheusRegistry registry) {
        this.db = db;
        this.store = store;
        this.allowed = List.copyOf(allowed);
        this.clock = clock;
        this.listedFor = heartbeatInterval.multipliedBy(LISTED_FOR);
        this.conflicting = Gauge.builder().name("aami_sd_conflicting_targets")
                .help("Targets the service discovery left out because another target resolved to the same host:port")
                .register(registry);
    }

    /** One target group per listed agent, ordered by agent id. */
    public List<SdTargetGroup> prometheusTargets() {
        Instant heardSince = clock.instant().minus(listedFor);
        List<Map.Entry<SdStore.AgentApi, String>> resolved = new ArrayList<>();
        Map<String, Integer> claims = new HashMap<>();
        for (SdStore.AgentApi a : db.withConnection(c -> store.listed(c, heardSince))) {
            String address = address(a.apiHost(), a.apiPort(), a.sourceIp(), a.sharingSource() > 1, allowed);
            if (address != null) {
                resolved.add(Map.entry(a, address));
                claims.merge(address, 1, Integer::sum);
            }
        }
        List<SdTargetGroup> out = new ArrayList<>();
        int conflicts = 0;
        for (Map.Entry<SdStore.AgentApi, String> e : resolved) {
            if (claims.get(e.getValue()) > 1) {
                conflicts++;
            } else {
                out.add(new SdTargetGroup(List.of(e.getValue()), labels(e.getKey())));
            }
        }
        conflicting.set(conflicts);
        return out;
    }

    /**
     * {@code host:port} a Prometheus elsewhere can reach at an address the server vouches for, or null (class
     * Javadoc); {@code sharedSource}: other recently heard targets come from {@code sourceIp} too.
     */
    static String address(String apiHost, int port, String sourceIp, boolean sharedSource, List<Cidr> allowed) {
        InetAddress bound = literal(apiHost);
        InetAddress source = literal(sourceIp);
        boolean wildcard = bound != null && bound.isAnyLocalAddress();
        InetAddress at = wildcard ? source : bound;
        if (at == null || at.isAnyLocalAddress() || isDefaultLoopback(at) || wildcard && sharedSource) {
            return null;
        }
        boolean vouched = (wildcard || at.equals(source)) && !at.isLoopbackAddress() && !sharedSource;
        if (!vouched && !(inside(allowed, at) && inside(allowed, source))) {
            return null;
        }
        String host = at.getHostAddress();
        return (at instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean inside(List<Cidr> allowed, InetAddress a) {
        return a != null && allowed.stream().anyMatch(c -> c.contains(a));
    }

    private static boolean isDefaultLoopback(InetAddress a) {
        return a.isLoopbackAddress() && (a instanceof Inet6Address || java.util.Arrays.equals(a.getAddress(), IPV4_LOOPBACK));
    }

    /** An IP literal, parsed without any name lookup; null for a name (stored before names were refused) or nothing. */
    private static InetAddress literal(String s) {
        if (s == null || !(IPV4.matcher(s).matches() || IPV6.matcher(s).matches()) || s.indexOf('%') >= 0) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
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
