package io.aami.agent.transport;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * Which config-server each loop talks to, on the agent's {@code /metrics}:
 * <ul>
 *   <li>{@code aami_agent_server_current{loop,address}}: 1 for the server the loop uses now, 0 for the others it may
 *       move to ({@code loop}: {@code enroll}, {@code heartbeat}, {@code policy}, {@code send-checks},
 *       {@code send-probes}, {@code renew})</li>
 *   <li>{@code aami_agent_server_failovers_total{loop}}: how often the loop moved to the next server because its own
 *       stopped answering</li>
 *   <li>{@code aami_agent_server_untrusted_total{address}}: TLS handshakes this agent ended because the server's
 *       certificate does not chain to the CA it pinned (or does not name the address): a server with another CA on
 *       the list, or someone in between; nothing is sent to it, and the loop moves on</li>
 * </ul>
 */
public final class FailoverMetrics {
    private final Gauge current;
    private final Counter failovers;
    private final Counter untrusted;

    public FailoverMetrics(PrometheusRegistry registry) {
        current = Gauge.builder().name("aami_agent_server_current")
                .help("1 for the config-server each loop uses now, 0 for the other configured ones")
                .labelNames("loop", "address").register(registry);
        failovers = Counter.builder().name("aami_agent_server_failovers_total")
                .help("Moves of a loop to the next config-server after its own stopped answering")
                .labelNames("loop").register(registry);
        untrusted = Counter.builder().name("aami_agent_server_untrusted_total")
                .help("TLS handshakes ended because the config-server's certificate is not from the pinned CA")
                .labelNames("address").register(registry);
    }

    /** The loop's series exist from its start, at its first server. */
    void init(String loop, List<String> addresses, int at) {
        failovers.initLabelValues(loop);
        addresses.forEach(untrusted::initLabelValues);
        moved(loop, addresses, at);
    }

    void failedOver(String loop, List<String> addresses, int to) {
        failovers.labelValues(loop).inc();
        moved(loop, addresses, to);
    }

    void untrusted(String address) {
        untrusted.labelValues(address).inc();
    }

    private void moved(String loop, List<String> addresses, int to) {
        for (int i = 0; i < addresses.size(); i++) {
            current.labelValues(loop, addresses.get(i)).set(i == to ? 1 : 0);
        }
    }
}
