package io.aami.server.discovery;

import io.aami.server.config.ServerConfig;
import io.aami.server.db.Database;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host discovery on {@code /metrics}, read at a scrape at most every {@code metrics.max_age} (scrapes in between
 * share the reading), bounded by the {@code discovery.metrics_*} keys, largest first:
 * <ul>
 *   <li>{@code aami_dependency_connections{source_group,destination,destination_kind,port,protocol}}: connections
 *       observed from a group's hosts to a group ({@code destination_kind="group"}), a {@code discovery.inventory}
 *       name ({@code external}) or an unclaimed address ({@code address}); at most {@code metrics_max_edges}</li>
 *   <li>{@code aami_dependency_covered{...}}: 1 when probes cover every host's part of the edge, else 0</li>
 *   <li>{@code aami_dependency_first_seen_timestamp_seconds{...}}: when the edge was first observed</li>
 *   <li>{@code aami_connections{agent_id,hostname,state}}: a target's TCP connections in a state, for counts of at
 *       least {@code metrics_min_connections}; at most {@code metrics_max_connection_series}</li>
 *   <li>{@code aami_discovery_series_dropped{family}}: series left out past those bounds</li>
 * </ul>
 * A reading that cannot reach PostgreSQL exports nothing of these (the fleet's {@code aami_db_up} says why).
 */
final class DiscoveryFleetMetrics implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryFleetMetrics.class);

    private final Database db;
    private final DependencyService service;
    private final ServerConfig.Discovery cfg;
    private final Duration maxAge;
    private final Clock clock;
    private MetricSnapshots last;
    private Instant lastAt = Instant.MIN;

    DiscoveryFleetMetrics(Database db, DependencyService service, ServerConfig.Discovery cfg, Duration maxAge, Clock clock) {
        this.db = db;
        this.service = service;
        this.cfg = cfg;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public synchronized MetricSnapshots collect() {
        Instant now = clock.instant();
        if (last != null && !lastAt.plus(maxAge).isBefore(now)) {
            return last;
        }
        try {
            last = read();
        } catch (RuntimeException e) {
            LOG.warn("discovery metrics not read: {}", e.getMessage());
            last = new MetricSnapshots();
        }
        lastAt = now;
        return last;
    }

    private MetricSnapshots read() {
        return db.inTransaction(c -> {
            GraphBuilder graph = new GraphBuilder();
            var g = graph.build(service.fleet(c), null);
            Map<String, String[]> nodes = new LinkedHashMap<>();
            g.nodes().forEach(n -> nodes.put(n.id(), new String[] {n.name(), n.kind()}));
            Series connections = new Series();
            Series covered = new Series();
            Series firstSeen = new Series();
            for (var e : g.edges()) {
                List<String> labels = List.of(nodes.get(e.source())[0], nodes.get(e.target())[0], nodes.get(e.target())[1],
                        Integer.toString(e.port()), e.protocol());
                connections.add(labels, e.connections());
                covered.put(labels, e.covered() ? 1 : 0);
                firstSeen.min(labels, e.firstSeen().toEpochMilli() / 1000.0);
            }
            Series states = new Series();
            for (var t : service.totals(c)) {
                t.byState().forEach((state, n) -> {
                    if (n >= cfg.metricsMinConnections()) {
                        states.add(List.of(t.targetId().toString(), t.hostname(), state), n);
                    }
                });
            }
            String[] edgeNames = {"source_group", "destination", "destination_kind", "port", "protocol"};
            List<List<String>> keptEdges = connections.top(cfg.metricsMaxEdges());
            List<List<String>> keptStates = states.top(cfg.metricsMaxConnectionSeries());
            GaugeSnapshot.Builder dropped = GaugeSnapshot.builder().name("aami_discovery_series_dropped")
                    .help("Discovery series left out of /metrics past the discovery.metrics_* bounds");
            dropped.dataPoint(point(new String[] {"family"}, List.of("aami_dependency_connections"), connections.size() - keptEdges.size()));
            dropped.dataPoint(point(new String[] {"family"}, List.of("aami_connections"), states.size() - keptStates.size()));
            return new MetricSnapshots(
                    gauge("aami_dependency_connections", "Connections observed from a group's hosts to a destination", edgeNames, keptEdges, connections),
                    gauge("aami_dependency_covered", "1 when probes cover the observed dependency, else 0", edgeNames, keptEdges, covered),
                    gauge("aami_dependency_first_seen_timestamp_seconds", "When the dependency was first observed", edgeNames, keptEdges, firstSeen),
                    gauge("aami_connections", "A target's TCP connections in a state (counts at or above discovery.metrics_min_connections)",
                            new String[] {"agent_id", "hostname", "state"}, keptStates, states),
                    dropped.build());
        });
    }

    private static GaugeSnapshot gauge(String name, String help, String[] names, List<List<String>> keys, Series values) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        keys.forEach(k -> b.dataPoint(point(names, k, values.get(k))));
        return b.build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(String[] names, List<String> values, double v) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of(names, values.toArray(String[]::new))).value(v).build();
    }

    /** Values by label values; series whose labels print alike (two groups of one name) are summed, never repeated. */
    private static final class Series {
        private final Map<List<String>, Double> values = new LinkedHashMap<>();

        void add(List<String> k, double v) {
            values.merge(k, v, Double::sum);
        }

        void put(List<String> k, double v) {
            values.merge(k, v, Math::min);
        }

        void min(List<String> k, double v) {
            values.merge(k, v, Math::min);
        }

        double get(List<String> k) {
            return values.get(k);
        }

        int size() {
            return values.size();
        }

        List<List<String>> top(int max) {
            List<Map.Entry<List<String>, Double>> sorted = new ArrayList<>(values.entrySet());
            sorted.sort(Comparator.comparingDouble((Map.Entry<List<String>, Double> e) -> -e.getValue()));
            return sorted.stream().limit(max).map(Map.Entry::getKey).toList();
        }
    }
}
