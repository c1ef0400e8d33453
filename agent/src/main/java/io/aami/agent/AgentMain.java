package io.aami.agent;

import io.aami.agent.api.LocalApi;
import io.aami.agent.checks.ChecksFeature;
import io.aami.agent.checks.ProcessLaunch;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.delivery.DeliveryFeature;
import io.aami.agent.discovery.DiscoveryFeature;
import io.aami.agent.discoveryreport.DiscoveryReportFeature;
import io.aami.agent.enrollment.EnrollmentFeature;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Contributions;
import io.aami.agent.feature.LocalApiFeature;
import io.aami.agent.heartbeat.HeartbeatFeature;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.localresults.LocalResultsFeature;
import io.aami.agent.policy.PolicyFeature;
import io.aami.agent.probes.ProbesFeature;
import io.aami.common.config.ConfigException;
import io.aami.common.logging.LogSetup;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the agent: loads the config and lists the agent's features ({@code *Feature} in each
 * package), which build their own parts from the shared {@link AgentContext} and contribute loops,
 * routes, bundle consumers and closeables. A new feature is one package and one line in {@link #wire}.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessLaunch.prefer();
        LocalApi.boundRequestReading();
        if (AgentArgs.training(args)) {
            System.exit(Training.run(System.out, System.err));
            return;
        }
        AgentConfigLoader.Loaded loaded;
        UUID agentId;
        try {
            loaded = AgentConfigLoader.loadWithWarnings(AgentArgs.configFile(args), System.getenv());
            agentId = AgentIdFile.readOrCreate(loaded.config().agent().idFile());
        } catch (ConfigException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            System.err.println("aami-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        AgentConfig cfg = loaded.config();
        LogSetup.configure(cfg.logging().level(), cfg.logging().format());
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        loaded.warnings().forEach(log::warn);
        Agent agent;
        try {
            agent = start(cfg, agentId, Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("agent failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "aami-shutdown"));
        agent.awaitStopped();
    }

    /** Wires and starts an agent for {@code agentId}; close the result to stop it. */
    public static Agent start(AgentConfig cfg, UUID agentId, Clock clock) {
        Contributions out = new Contributions();
        try {
            return wire(AgentContext.open(cfg, agentId, version(), clock, out));
        } catch (RuntimeException e) {
            out.closeables().forEach(AgentMain::closeQuietly);
            throw e;
        }
    }

    /**
     * The agent's features, in dependency order: each builds its parts from the context and registers
     * its loops, routes, bundle consumers and closeables in {@code ctx.out()} (closed in reverse order, so
     * the API and the producers stop before the spools they write to, and those before the transport).
     */
    private static Agent wire(AgentContext ctx) {
        EnrollmentFeature enrollment = EnrollmentFeature.install(ctx);
        DeliveryFeature delivery = DeliveryFeature.install(ctx, enrollment.rejections());
        ChecksFeature.install(ctx, delivery.checks());
        ProbesFeature.install(ctx, delivery.probes());
        LocalResultsFeature.install(ctx, delivery.submittedChecks());
        DiscoveryFeature.install(ctx, DiscoveryReportFeature.install(ctx, delivery));
        PolicyFeature.install(ctx, enrollment.pin(), enrollment.rejections());
        HeartbeatLoop heartbeats = HeartbeatFeature.install(ctx, enrollment.rejections());
        LocalApiFeature.install(ctx);
        LoggerFactory.getLogger(AgentMain.class).info("aami-agent {} starting as {} for {}", ctx.version(), ctx.agentId(),
                ctx.cfg().server().addresses());
        Agent agent = new Agent(ctx.agentId(), enrollment.enroller(), heartbeats, ctx.out().loops(), ctx.stop(),
                ctx.out().closeables());
        agent.start();
        return agent;
    }

    static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // startup already failed; the first error is the one worth reporting
        }
    }
}
