package io.aami.agent.delivery;

import io.aami.agent.checks.CheckExecution;
import io.aami.agent.checks.ExecutionSink;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Contributions;
import io.aami.agent.feature.Loop;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.contract.discovery.DiscoveryReport;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResult;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Result delivery: the durable spool of each result stream ({@code checks}, {@code probes}, {@code discovery}) and the
 * sender that ships it. Producers write through {@link #checks()}, {@link #submittedChecks()} and
 * {@link #probes()}; the spools are
 * registered before any producer, so they close after them.
 */
public final class DeliveryFeature {
    /** The server's body limit for one batch, with room to spare. */
    private static final long MAX_BATCH_BYTES = 512 * 1024;

    /**
     * The discovery stream's spool: a report is up to ~450 KB (api-contract's {@code DiscoveryLimits}), so segments of
     * at least 1 MiB; and at most 16 MiB of it, since only the latest picture matters (a full one every
     * {@code discovery.report.full_interval}).
     */
    private static final long DISCOVERY_SEGMENT_BYTES = 1024 * 1024;
    private static final long DISCOVERY_MAX_BYTES = 16L * 1024 * 1024;
    private static final int DISCOVERY_BATCH = 8;

    private final ResultSpool checkSpool;
    private final ResultSpool probeSpool;
    private final ResultSpool discoverySpool;
    private final WireRecords wire;

    private DeliveryFeature(ResultSpool checkSpool, ResultSpool probeSpool, ResultSpool discoverySpool, WireRecords wire) {
        this.checkSpool = checkSpool;
        this.probeSpool = probeSpool;
        this.discoverySpool = discoverySpool;
        this.wire = wire;
    }

    public static DeliveryFeature install(AgentContext ctx, CredentialRejections rejections) {
        AgentConfig cfg = ctx.cfg();
        Contributions out = ctx.out();
        SpoolMetrics spoolMetrics = new SpoolMetrics(ctx.metrics().registry());
        SpoolOptions options = new SpoolOptions(cfg.spool().maxBytes(), cfg.spool().segmentBytes(),
                FsyncPolicy.fromConfig(cfg.spool().fsync()), cfg.spool().fsyncInterval());
        ResultSpool checkSpool = out.closeable(ResultSpool.open(cfg.spoolDir().resolve("checks"), options, ctx.clock(),
                spoolMetrics.forStream("checks"), ctx.timer()));
        ResultSpool probeSpool = out.closeable(ResultSpool.open(cfg.spoolDir().resolve("probes"), options, ctx.clock(),
                spoolMetrics.forStream("probes"), ctx.timer()));
        WireRecords wire = new WireRecords(ctx.mapper());
        SenderMetrics senderMetrics = new SenderMetrics(ctx.metrics().registry());
        ResultSender.BatchLimits limits = new ResultSender.BatchLimits(cfg.checks().resultBufferSize(), MAX_BATCH_BYTES,
                cfg.checks().flushInterval());
        out.loop(new Loop("send-checks", new ResultSender("checks", checkSpool, wire.checks(ctx.transport("send-checks")), ctx.credentials(),
                limits, ctx.stop(), retry(ctx), rejections, ctx.clock(), senderMetrics), false));
        out.loop(new Loop("send-probes", new ResultSender("probes", probeSpool, wire.probes(ctx.transport("send-probes")), ctx.credentials(),
                limits, ctx.stop(), retry(ctx), rejections, ctx.clock(), senderMetrics), false));
        ResultSpool discoverySpool = discovery(ctx, options, spoolMetrics, wire, senderMetrics, rejections);
        out.pendingResults(() -> checkSpool.stats().pendingRecords());
        out.pendingResults(() -> probeSpool.stats().pendingRecords());
        out.droppedResults(() -> checkSpool.stats().droppedRecords());
        out.droppedResults(() -> probeSpool.stats().droppedRecords());
        return new DeliveryFeature(checkSpool, probeSpool, discoverySpool, wire);
    }

    /** The discovery stream (null when discovery or its reports are off): its spool and the same sender as the others. */
    private static ResultSpool discovery(AgentContext ctx, SpoolOptions options, SpoolMetrics spoolMetrics, WireRecords wire,
                                         SenderMetrics senderMetrics, CredentialRejections rejections) {
        AgentConfig cfg = ctx.cfg();
        if (!cfg.discovery().enabled() || !cfg.discoveryReport().enabled()) {
            return null;
        }
        long segment = Math.max(options.segmentBytes(), DISCOVERY_SEGMENT_BYTES);
        SpoolOptions own = new SpoolOptions(Math.max(2 * segment, Math.min(options.maxBytes(), DISCOVERY_MAX_BYTES)), segment,
                options.fsync(), options.fsyncInterval());
        ResultSpool spool = ctx.out().closeable(ResultSpool.open(cfg.spoolDir().resolve("discovery"), own, ctx.clock(),
                spoolMetrics.forStream("discovery"), ctx.timer()));
        ResultSender.BatchLimits limits = new ResultSender.BatchLimits(DISCOVERY_BATCH, MAX_BATCH_BYTES, cfg.checks().flushInterval());
        ctx.out().loop(new Loop("send-discovery", new ResultSender("discovery", spool, wire.discovery(ctx.transport("send-discovery")),
                ctx.credentials(), limits, ctx.stop(), retry(ctx), rejections, ctx.clock(), senderMetrics), false));
        return spool;
    }

    /**
     * Spools a discovery report made for its seq; returns the seq. Empty when the stream is off. Fails like
     * {@link ResultSpool#append}.
     */
    public Optional<Function<LongFunction<DiscoveryReport>, Long>> discovery() {
        return Optional.ofNullable(discoverySpool).map(spool -> make -> spool.append(seq -> wire.json(make.apply(seq))));
    }

    private static Retry retry(AgentContext ctx) {
        return ctx.retry(Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** Spools every finished check run as a check result. */
    public ExecutionSink checks() {
        return e -> checkSpool.append(seq -> wire.json(WireRecords.checkResult(seq, e)));
    }

    /**
     * Spools a batch of results local programs submitted into the check stream, whole or not at all,
     * numbered and delivered like the agent's own runs: only into the spool's free room and while submitted
     * results hold at most the given bytes of it ({@link ResultSpool#appendSubmitted}); returns their seqs, or
     * empty when they do not fit. Fails like {@link ResultSpool#append}.
     */
    public BiFunction<List<CheckExecution>, Long, Optional<List<Long>>> submittedChecks() {
        return (runs, maxBytes) -> checkSpool.appendSubmitted(runs.stream()
                .<LongFunction<byte[]>>map(e -> seq -> wire.json(WireRecords.checkResult(seq, e))).toList(), maxBytes);
    }

    /** Spools every finished probe as a probe report. */
    public BiConsumer<ProbeSpec, ProbeResult> probes() {
        return (spec, r) -> probeSpool.append(seq -> wire.json(WireRecords.probeReport(seq, spec, r)));
    }
}
