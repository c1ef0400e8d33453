package io.aami.agent.discoveryreport;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.delivery.DeliveryFeature;
import io.aami.agent.discovery.DiscoveryView;
import io.aami.agent.feature.AgentContext;
import java.util.function.Consumer;

/**
 * The discovery report stream (issue 11, {@code discovery.report.*}): a compact summary of each discovery scan
 * (listening services, dependency edges with counts, connection states above a threshold) goes to the server
 * through the {@code discovery} spool, only what changed and a full picture every
 * {@code discovery.report.full_interval}. The discovery loop hands each scan's view to what {@link #install} returns.
 */
public final class DiscoveryReportFeature {
    private DiscoveryReportFeature() {
    }

    /** The listener to give the discovery loop: a no-op when the stream is off. */
    public static Consumer<DiscoveryView> install(AgentContext ctx, DeliveryFeature delivery) {
        AgentConfig.DiscoveryReport cfg = ctx.cfg().discoveryReport();
        return delivery.discovery().<Consumer<DiscoveryView>>map(spool -> new DiscoveryReporter(spool, cfg.fullInterval(),
                cfg.stateMinCount(), ctx.clock(), ctx.metrics().registry())).orElse(view -> { });
    }
}
