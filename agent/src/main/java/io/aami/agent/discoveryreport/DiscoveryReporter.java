package io.aami.agent.discoveryreport;

import io.aami.agent.discovery.DiscoveryView;
import io.aami.contract.discovery.DiscoveryReport;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Given each discovery scan's view (on the discovery loop's thread), spools the report {@link ReportDiffer} decides on
 * into the {@code discovery} result stream, which the agent's result sender delivers like checks and probes. A report
 * that cannot be spooled (disk) is logged and counted, and the next one is full.
 *
 * <p>Metrics: {@code aami_agent_discovery_reports_total{kind}} (full, diff: reports spooled),
 * {@code aami_agent_discovery_reports_unchanged_total} (scans with nothing new to send),
 * {@code aami_agent_discovery_report_failures_total} (reports that could not be spooled).
 */
final class DiscoveryReporter implements Consumer<DiscoveryView> {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryReporter.class);

    private final Function<LongFunction<DiscoveryReport>, Long> spool;
    private final ReportDiffer differ;
    private final int stateMinCount;
    private final Clock clock;
    private final Counter reports;
    private final Counter unchanged;
    private final Counter failures;

    DiscoveryReporter(Function<LongFunction<DiscoveryReport>, Long> spool, Duration fullInterval, int stateMinCount, Clock clock,
                      PrometheusRegistry registry) {
        this.spool = spool;
        this.differ = new ReportDiffer(fullInterval);
        this.stateMinCount = stateMinCount;
        this.clock = clock;
        this.reports = Counter.builder().name("aami_agent_discovery_reports_total").help("Discovery reports spooled for the server, by kind")
                .labelNames("kind").register(registry);
        this.unchanged = Counter.builder().name("aami_agent_discovery_reports_unchanged_total")
                .help("Discovery scans with nothing new for the server").register(registry);
        this.failures = Counter.builder().name("aami_agent_discovery_report_failures_total")
                .help("Discovery reports that could not be spooled").register(registry);
        reports.labelValues("full");
        reports.labelValues("diff");
    }

    @Override
    public void accept(DiscoveryView view) {
        Summary summary = Summaries.of(view, stateMinCount);
        Instant at = clock.instant();
        LongFunction<DiscoveryReport> make = differ.next(summary, at);
        if (make == null) {
            unchanged.inc();
            return;
        }
        DiscoveryReport[] made = new DiscoveryReport[1];
        try {
            long seq = spool.apply(s -> made[0] = make.apply(s));
            differ.sent(summary, seq, made[0]);
            reports.labelValues(made[0].kind()).inc();
        } catch (RuntimeException e) {
            differ.reset();
            failures.inc();
            LOG.warn("discovery report not spooled ({}); the next one is full", e.toString());
        }
    }
}
