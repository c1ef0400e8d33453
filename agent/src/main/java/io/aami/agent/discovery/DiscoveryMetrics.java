package io.aami.agent.discovery;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * Host discovery on {@code /metrics}, from the latest scan (nothing before the first):
 * <ul>
 *   <li>{@code planet_server_process{bind,port,process_name,protocol}}: listening sockets (TCP LISTEN, unconnected bound
 *       UDP), by planet-exporter's labels plus {@code protocol} (its TCP and UDP sockets on one port would otherwise be
 *       one series twice); the value is the number of sockets</li>
 *   <li>{@code planet_upstream{local_address,local_hostgroup,port,process_name,protocol,remote_address,remote_hostgroup}}:
 *       connections out of this host's processes ({@code port} the remote one); the value is the number of connections</li>
 *   <li>{@code planet_downstream{same labels}}: peers connected to a local TCP listener ({@code port} the local one)</li>
 *   <li>{@code pod_connect_info{process_name,container,pod_uid,local_port,remote_addr,remote_port,status}}: TCP
 *       connections by state, as pod_connect_exporter's gauge; {@code local_port} set (and {@code remote_port} empty)
 *       for connections to a local listener</li>
 *   <li>{@code aami_agent_discovery_partial} 1 when the last scan could not see everything (not root: other users'
 *       processes), {@code aami_agent_discovery_processes_unreadable}, {@code aami_agent_discovery_sockets_unowned} (held by
 *       a process not found), {@code aami_agent_discovery_processes}, {@code aami_agent_discovery_sockets{protocol}},
 *       {@code aami_agent_discovery_namespaces} (network namespaces read, this agent's included) and
 *       {@code aami_agent_discovery_namespaces_skipped} (past {@code discovery.max_namespaces}; then partial is 1)</li>
 *   <li>{@code aami_agent_discovery_processes_uncached}: processes the last scan listed but did not keep in the
 *       descriptor cache, past its bound ({@link FdCache#MAX_DESCRIPTORS}): each costs a listing every scan</li>
 *   <li>{@code aami_agent_discovery_scans_total{result="ok|error"}}, {@code aami_agent_discovery_scan_duration_seconds} (the last scan's
 *       wall time), {@code aami_agent_discovery_last_scan_timestamp_seconds}</li>
 * </ul>
 * Host groups ({@code local_hostgroup}, {@code remote_hostgroup}) are empty: the agent knows no inventory. Every
 * label family is bounded by {@code discovery.max_remotes_per_process} and {@code discovery.max_processes}
 * ({@link Bounded}); remotes past the bound are summed under {@code other}.
 */
final class DiscoveryMetrics implements MultiCollector {
    static final String SERVERS = "planet_server_process";
    static final String UPSTREAM = "planet_upstream";
    static final String DOWNSTREAM = "planet_downstream";
    static final String CONNECTIONS = "pod_connect_info";
    private static final String[] SERVER_LABELS = {"bind", "port", "process_name", "protocol"};
    private static final String[] EDGE_LABELS = {"local_address", "local_hostgroup", "port", "process_name", "protocol",
            "remote_address", "remote_hostgroup"};
    private static final String[] CONNECTION_LABELS = {"process_name", "container", "pod_uid", "local_port", "remote_addr",
            "remote_port", "status"};
    private static final String[] SEEN = {"aami_agent_discovery_partial", "aami_agent_discovery_processes_unreadable",
            "aami_agent_discovery_sockets_unowned", "aami_agent_discovery_processes", "aami_agent_discovery_sockets", "aami_agent_discovery_namespaces",
            "aami_agent_discovery_namespaces_skipped"};

    private volatile DiscoveryView view;
    final Counter scans;
    final Gauge duration;
    final Gauge lastScan;
    final Gauge uncached;

    DiscoveryMetrics(PrometheusRegistry registry) {
        scans = Counter.builder().name("aami_agent_discovery_scans_total").help("Host discovery scans, by result")
                .labelNames("result").register(registry);
        scans.initLabelValues("ok");
        scans.initLabelValues("error");
        duration = Gauge.builder().name("aami_agent_discovery_scan_duration_seconds").unit(Unit.SECONDS)
                .help("Wall time of the last discovery scan").register(registry);
        lastScan = Gauge.builder().name("aami_agent_discovery_last_scan_timestamp_seconds")
                .help("Unix time of the last successful discovery scan").register(registry);
        uncached = Gauge.builder().name("aami_agent_discovery_processes_uncached")
                .help("Processes the last scan listed but did not cache, past the descriptor cache's bound").register(registry);
        registry.register(this);
    }

    void publish(DiscoveryView latest) {
        view = latest;
    }

    DiscoveryView view() {
        return view;
    }

    @Override
    public MetricSnapshots collect() {
        DiscoveryView v = view;
        if (v == null) {
            return new MetricSnapshots();
        }
        DiscoveryView.Seen seen = v.seen();
        return MetricSnapshots.of(
                family(SERVERS, "Server processes listening on network interfaces", SERVER_LABELS, v.servers()),
                family(UPSTREAM, "Upstream dependencies of this host: its processes' connections out", EDGE_LABELS, v.upstream()),
                family(DOWNSTREAM, "Downstream dependencies of this host: peers connected to its listeners", EDGE_LABELS,
                        v.downstream()),
                family(CONNECTIONS, "TCP connections by process, container, remote endpoint and state", CONNECTION_LABELS,
                        v.connections()),
                single(SEEN[0], "1 when the last discovery scan could not see every process, socket table or network namespace",
                        seen.partial() ? 1 : 0),
                single(SEEN[1], "Processes whose sockets the last scan could not list (another user's, without root)",
                        seen.processesUnreadable()),
                single(SEEN[2], "Sockets held by a process the last scan did not find", seen.unowned()),
                single(SEEN[3], "Processes the last scan looked at", seen.processes()),
                GaugeSnapshot.builder().name(SEEN[4]).help("Sockets the last scan found, by protocol")
                        .dataPoint(point(Labels.of("protocol", "tcp"), seen.tcpSockets()))
                        .dataPoint(point(Labels.of("protocol", "udp"), seen.udpSockets())).build(),
                single(SEEN[5], "Network namespaces the last scan read sockets in (this agent's included)", seen.namespaces()),
                single(SEEN[6], "Network namespaces the last scan did not read, past discovery.max_namespaces",
                        seen.namespacesSkipped()));
    }

    private static GaugeSnapshot family(String name, String help, String[] labelNames, List<DiscoveryView.Row> rows) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (DiscoveryView.Row row : rows) {
            b.dataPoint(point(Labels.of(labelNames, row.labels().toArray(String[]::new)), row.value()));
        }
        return b.build();
    }

    private static GaugeSnapshot single(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(Labels.EMPTY, value)).build();
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(SERVERS, UPSTREAM, DOWNSTREAM, CONNECTIONS, SEEN[0], SEEN[1], SEEN[2], SEEN[3], SEEN[4], SEEN[5], SEEN[6]);
    }
}
