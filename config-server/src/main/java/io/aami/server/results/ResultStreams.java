package io.aami.server.results;

import io.aami.server.config.ServerConfig;
import io.aami.server.feature.ServerContext;
import java.util.List;

/**
 * What check results and probe results share: exactly-once stream ingest and the daily partitions of
 * their history tables (kept {@code results.retention}, created {@code results.partitions_ahead} days
 * ahead, maintained every {@code results.maintenance_interval}, hourly by default). Serves no route itself; depends on no feature.
 */
public final class ResultStreams {
    private final PartitionMaintainer partitions;
    private final StreamIngest ingest;

    public ResultStreams(ServerContext ctx) {
        ServerConfig.Results cfg = ctx.config().results();
        partitions = new PartitionMaintainer(ctx.db(), List.of("check_results", "probe_results"), cfg.retention(),
                cfg.partitionsAhead(), ctx.clock());
        partitions.start(ctx.duties(), cfg.maintenanceInterval());
        ctx.resources().opened(partitions);
        ingest = new StreamIngest(ctx.db(), partitions, new ResultMetrics(ctx.registry(), List.of("checks", "probes", "discovery")), ctx.clock());
    }

    public StreamIngest ingest() {
        return ingest;
    }

    /** Runs partition maintenance now; returns the partitions dropped. */
    public List<String> maintainPartitions() {
        return partitions.maintain();
    }
}
