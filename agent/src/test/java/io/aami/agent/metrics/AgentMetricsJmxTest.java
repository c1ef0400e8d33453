package io.aami.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's metrics, built and scraped in a fresh JVM, never start the platform MBean server (issue 14:
 * the JVM's native-memory metrics asked it for a diagnostic command, which loaded hundreds of JMX classes),
 * while the usual {@code jvm_*} and {@code process_*} series are still there.
 */
class AgentMetricsJmxTest {
    /** Run in the child JVM: builds the metrics and scrapes them once. */
    public static void main(String[] args) throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println("scraped jvm_memory_used_bytes=" + text.contains("jvm_memory_used_bytes{")
                + " process_cpu_seconds_total=" + text.contains("process_cpu_seconds_total ")
                + " jvm_threads_current=" + text.contains("jvm_threads_current "));
    }

    @Test
    void buildingAndScrapingTheMetricsLoadsNoMBeanServer() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xlog:class+load=info", "-cp",
                System.getProperty("java.class.path"), AgentMetricsJmxTest.class.getName())).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("scraped jvm_memory_used_bytes=true process_cpu_seconds_total=true jvm_threads_current=true");
        assertThat(output.lines().filter(l -> l.contains("com.sun.jmx.mbeanserver.JmxMBeanServer ")))
                .as("the platform MBean server was started").isEmpty();
    }
}
