package io.aami.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The agent's own metrics, served on the local API's {@code /metrics}.
 * <ul>
 *   <li>{@code aami_agent_info{version,agent_id}} 1</li>
 *   <li>{@code aami_agent_enrolled} 1 once the agent holds a credential</li>
 *   <li>{@code aami_agent_heartbeats_total{result="ok|error"}}</li>
 *   <li>{@code aami_agent_last_heartbeat_timestamp_seconds} of the last acknowledged heartbeat</li>
 *   <li>{@code aami_agent_enrollments_total{result="ok|error"}}</li>
 * </ul>
 */
public final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public final Info info = Info.builder().name("aami_agent_info").help("Agent build and identity")
            .labelNames("version", "agent_id").register(registry);
    public final Gauge enrolled = Gauge.builder().name("aami_agent_enrolled")
            .help("1 once the agent holds a credential from the config-server").register(registry);
    public final Counter heartbeats = Counter.builder().name("aami_agent_heartbeats_total")
            .help("Heartbeats sent, by result").labelNames("result").register(registry);
    public final Gauge lastHeartbeat = Gauge.builder().name("aami_agent_last_heartbeat_timestamp_seconds")
            .help("Unix time of the last heartbeat the server acknowledged").register(registry);
    public final Counter enrollments = Counter.builder().name("aami_agent_enrollments_total")
            .help("Enrollment attempts, by result").labelNames("result").register(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
