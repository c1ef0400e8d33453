package io.aami.agent.discoveryreport;

import io.aami.agent.discovery.DiscoveryView;
import io.aami.contract.discovery.DiscoveredEdge;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import io.aami.contract.discovery.DiscoveryLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a {@link Summary} of a scan's view, reading its rows by the label orders of the local metric families
 * ({@code planet_server_process}, {@code planet_upstream}, {@code planet_downstream}, {@code pod_connect_info}). The
 * view is already bounded per process ({@code discovery.max_remotes_per_process}, {@code discovery.max_processes});
 * rows summed as {@code other} are not dependencies and are left out (a state row's remote may stay {@code other}).
 * Connection states are kept per process and remote at {@code stateMinCount} or more; their totals by state always.
 * Each family is then cut to its {@link DiscoveryLimits} bound, largest counts first.
 */
final class Summaries {
    private static final String OTHER = "other";

    private Summaries() {
    }

    static Summary of(DiscoveryView view, int stateMinCount) {
        Map<DiscoveredService, Long> services = new HashMap<>();
        for (DiscoveryView.Row r : view.servers()) {
            List<String> l = r.labels(); // bind, port, process_name, protocol
            int colon = l.get(0).lastIndexOf(':');
            if (OTHER.equals(l.get(0)) || colon < 0 || OTHER.equals(l.get(1))) {
                continue;
            }
            services.merge(new DiscoveredService(l.get(3), l.get(0).substring(0, colon), port(l.get(1)), name(l.get(2)), 0), r.value(),
                    Long::sum);
        }
        Map<DiscoveredEdge, Long> edges = new HashMap<>();
        edges(view.upstream(), DiscoveryLimits.UPSTREAM, edges);
        edges(view.downstream(), DiscoveryLimits.DOWNSTREAM, edges);
        Map<DiscoveredState, Long> states = new HashMap<>();
        Map<String, Long> totals = new TreeMap<>();
        for (DiscoveryView.Row r : view.connections()) {
            List<String> l = r.labels(); // process_name, container, pod_uid, local_port, remote_addr, remote_port, status
            totals.merge(l.get(6), r.value(), Long::sum);
            states.merge(new DiscoveredState(l.get(6), name(l.get(0)), name(l.get(1)), port(l.get(3)), l.get(4), port(l.get(5)), 0),
                    r.value(), Long::sum);
        }
        states.values().removeIf(n -> n < stateMinCount);
        boolean[] truncated = new boolean[1];
        return new Summary(cut(services, DiscoveryLimits.MAX_SERVICES, truncated), cut(edges, DiscoveryLimits.MAX_EDGES, truncated),
                cut(states, DiscoveryLimits.MAX_STATES, truncated), totals, view.seen().partial(), truncated[0]);
    }

    /** planet_upstream / planet_downstream: local_address, local_hostgroup, port, process_name, protocol, remote_address, remote_hostgroup. */
    private static void edges(List<DiscoveryView.Row> rows, String direction, Map<DiscoveredEdge, Long> into) {
        for (DiscoveryView.Row r : rows) {
            List<String> l = r.labels();
            if (OTHER.equals(l.get(5)) || OTHER.equals(l.get(2)) || l.get(5).isEmpty()) {
                continue;
            }
            into.merge(new DiscoveredEdge(direction, l.get(4), name(l.get(3)), port(l.get(2)), l.get(5), 0), r.value(), Long::sum);
        }
    }

    private static <K> Map<K, Long> cut(Map<K, Long> rows, int max, boolean[] truncated) {
        List<Map.Entry<K, Long>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<K, Long> e) -> -e.getValue()));
        Map<K, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size() && i < max; i++) {
            out.put(sorted.get(i).getKey(), sorted.get(i).getValue());
        }
        truncated[0] |= sorted.size() > max;
        return out;
    }

    /** A port label: a number, or empty / {@code other} (none, or summed) as 0. */
    private static int port(String label) {
        return label.isEmpty() || OTHER.equals(label) ? 0 : Integer.parseInt(label);
    }

    private static String name(String s) {
        return s.length() > DiscoveryLimits.MAX_NAME ? s.substring(0, DiscoveryLimits.MAX_NAME) : s;
    }
}
