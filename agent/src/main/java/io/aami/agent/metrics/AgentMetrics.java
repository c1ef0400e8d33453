package io.aami.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The agent's own metrics, served on the local API's {@code /metrics}.
 * <ul>
 *   <li>{@code aami_agent_build_info{version,agent_id}} 1, as the server's {@code aami_server_build_info{version}};
 *       {@code agent_id} joins it to the server's per-agent series</li>
 *   <li>{@code aami_agent_enrolled} 1 once the agent holds a credential</li>
 *   <li>{@code aami_agent_heartbeats_total{result="ok|error"}}</li>
 *   <li>{@code aami_agent_last_heartbeat_timestamp_seconds} of the last acknowledged heartbeat</li>
 *   <li>{@code aami_agent_enrollments_total{result="ok|error|refused_key"}}</li>
 *   <li>client_java's JVM and process metrics ({@code jvm_*}, {@code process_*}), as the server exports them, less
 *       {@code jvm_native_memory_*}: those exist only under {@code -XX:NativeMemoryTracking}, and asking for them
 *       starts the platform MBean server, hundreds of JMX classes the agent would carry for nothing (issue 14)</li>
 * </ul>
 * The counters exist at 0 for every result from start-up.
 */
public final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public final Info buildInfo = Info.builder().name("aami_agent_build_info").help("Agent version and identity")
            .labelNames("version", "agent_id").register(registry);
    public final Gauge enrolled = Gauge.builder().name("aami_agent_enrolled")
            .help("1 once the agent holds a credential from the config-server").register(registry);
    public final Counter heartbeats = Counter.builder().name("aami_agent_heartbeats_total")
            .help("Heartbeats sent, by result").labelNames("result").register(registry);
    public final Gauge lastHeartbeat = Gauge.builder().name("aami_agent_last_heartbeat_timestamp_seconds")
            .help("Unix time of the last heartbeat the server acknowledged").register(registry);
    public final Counter enrollments = Counter.builder().name("aami_agent_enrollments_total")
            .help("Enrollment attempts, by result").labelNames("result").register(registry);

    public AgentMetrics() {
        for (String result : List.of("ok", "error")) {
            heartbeats.initLabelValues(result);
        }
        for (String result : List.of("ok", "error", "refused_key")) {
            enrollments.initLabelValues(result);
        }
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

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
