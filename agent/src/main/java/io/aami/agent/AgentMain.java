package io.aami.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.api.StatusRoutes;
import io.aami.agent.checks.CheckExecution;
import io.aami.agent.checks.CheckMetrics;
import io.aami.agent.checks.CheckScheduler;
import io.aami.agent.checks.LocalScriptPolicy;
import io.aami.agent.checks.Sandbox;
import io.aami.agent.checks.ScriptExecutor;
import io.aami.agent.checks.ScriptLimits;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.delivery.ResultSender;
import io.aami.agent.delivery.SenderMetrics;
import io.aami.agent.enrollment.CredentialStore;
import io.aami.agent.enrollment.Enroller;
import io.aami.agent.enrollment.PendingEnrollment;
import io.aami.agent.enrollment.ReenrollmentRule;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.identity.StateDirectory;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.policy.PolicyFile;
import io.aami.agent.policy.ExpiryTimer;
import io.aami.agent.policy.PolicyGate;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.pki.AgentTls;
import io.aami.agent.pki.CertificateRenewer;
import io.aami.agent.policy.PolicyPoller;
import io.aami.agent.probes.ProbeEngine;
import io.aami.agent.probes.ProbeMetrics;
import io.aami.agent.probes.ProbeRoutes;
import io.aami.agent.probes.ProbeScheduler;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.agent.transport.HttpClients;
import io.aami.agent.transport.RestTransport;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.util.Backoff;
import io.aami.agent.util.StopSignal;
import io.aami.common.concurrent.DaemonThreads;
import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.logging.LogSetup;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.ProbeReport;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the agent and the one place that wires its object graph. */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        LocalApi.boundRequestReading();
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
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return wire(cfg, agentId, clock, resources);
        } catch (RuntimeException e) {
            resources.forEach(AgentMain::closeQuietly);
            throw e;
        }
    }

    private static Agent wire(AgentConfig cfg, UUID agentId, Clock clock, List<AutoCloseable> resources) {
        String version = version();
        Instant started = clock.instant();
        ObjectMapper mapper = WireJson.mapper(LocalApi.MAX_BODY * 2);
        StopSignal stop = new StopSignal();
        AgentMetrics metrics = new AgentMetrics();
        metrics.info.addLabelValues(version, agentId.toString());
        RandomGenerator random = RandomGenerator.getDefault();

        // Before anything writes into it (spools, key, credentials): 0700, or tightened.
        StateDirectory.prepare(cfg.agent().stateDir(), cfg.checks().workDir().startsWith(cfg.agent().stateDir()));
        // Closed in this order: the API and producers first, the spools they write to after them.
        Sandbox sandbox = Sandbox.create(cfg.checks().runAs(), ScriptLimits.DEFAULTS, cfg.checks().containment());
        SpoolMetrics spoolMetrics = new SpoolMetrics(metrics.registry());
        SpoolOptions spoolOptions = new SpoolOptions(cfg.spool().maxBytes(), cfg.spool().segmentBytes(),
                FsyncPolicy.fromConfig(cfg.spool().fsync()), cfg.spool().fsyncInterval());
        ResultSpool checkSpool = ResultSpool.open(cfg.spoolDir().resolve("checks"), spoolOptions, clock, spoolMetrics.forStream("checks"));
        ResultSpool probeSpool = ResultSpool.open(cfg.spoolDir().resolve("probes"), spoolOptions, clock, spoolMetrics.forStream("probes"));
        LocalScriptPolicy localPolicy = new LocalScriptPolicy(cfg.checks().remoteScripts(), cfg.checks().allowedInterpreters(),
                cfg.checks().allowedScriptSha256(), cfg.checks().allowedExecutionSha256());
        CheckScheduler checks = new CheckScheduler(agentId.toString(),
                new ScriptExecutor(cfg.checks().workDir(), sandbox, cfg.checks().outputMaxBytes(), clock, localPolicy),
                cfg.checks().maxConcurrent(), e -> checkSpool.append(seq -> json(mapper, checkResult(seq, e))),
                new CheckMetrics(metrics.registry()), clock);
        ProbeMetrics probeMetrics = new ProbeMetrics(metrics.registry(), cfg.probes().maxTaskIds());
        ProbeEngine engine = new ProbeEngine(cfg.probes().maxInFlight(), clock, probeMetrics);
        ProbeScheduler probes = new ProbeScheduler(agentId.toString(), engine, probeMetrics,
                (spec, r) -> probeSpool.append(seq -> json(mapper, probeReport(seq, spec, r))), clock);
        AgentConfig.Tls tlsCfg = cfg.server().tls();
        AgentTls tls = tlsCfg.enabled() ? new AgentTls(new AgentTls.Locations(
                cfg.agent().stateDir().resolve("ca.crt"), tlsCfg.clientCert(), tlsCfg.clientKey()), tlsCfg.caCert(), tlsCfg.caCertSha256(),
                cfg.heartbeat().timeout(), new SecureRandom()) : null;
        ServerTransport transport = new RestTransport(HttpClients.baseUri(cfg.server()),
                tls != null ? tls.clients() : HttpClients.plain(cfg), mapper, HttpClients.requestTimeout(cfg));
        resources.addAll(List.of(checks, probes, engine, checkSpool, probeSpool, transport));

        CredentialHolder holder = new CredentialHolder();
        CredentialStore credentialStore = new CredentialStore(cfg.credentialsFile(), mapper);
        PolicyKeyPin pin = PolicyKeyPin.load(cfg.policyKeyFile(), mapper,
                credentialStore.load().map(io.aami.agent.identity.AgentCredentials::policyPublicKey));
        Enroller enroller = new Enroller(cfg, agentId, transport, credentialStore, stop,
                new Backoff(Duration.ofSeconds(1), cfg.server().retryCap(Duration.ofMinutes(2)), random), clock, version, holder, metrics, tls,
                pin, new PendingEnrollment(cfg.pendingEnrollmentFile(), mapper, new SecureRandom()));
        PolicyGate gate = new PolicyGate(bundle -> {
            checks.apply(bundle.checks());
            probes.apply(bundle.probes());
        }, agentId, pin::verifier, clock, metrics.registry());
        SenderMetrics senderMetrics = new SenderMetrics(metrics.registry());
        ResultSender.BatchLimits limits = new ResultSender.BatchLimits(cfg.checks().resultBufferSize(), 512 * 1024,
                cfg.checks().flushInterval());
        List<Agent.Loop> loops = new ArrayList<>(List.of(
                new Agent.Loop("policy-expiry", new ExpiryTimer(gate, stop), false),
                new Agent.Loop("policy", new PolicyPoller(transport, holder, new PolicyFile(cfg.policyFile(), mapper), gate,
                        pin, clock, cfg.policy().longPollWait(), stop, new Backoff(Duration.ofSeconds(1), cfg.server().retryCap(Duration.ofMinutes(1)), random)), true),
                new Agent.Loop("send-checks", new ResultSender("checks", checkSpool,
                        (creds, epoch, records) -> transport.sendCheckResults(creds, new io.aami.contract.results.CheckResultBatch(
                                epoch, records.stream().map(r -> read(mapper, r.payload(), CheckResult.class)).toList())),
                        holder, limits, stop, new Backoff(Duration.ofSeconds(1), cfg.server().retryCap(Duration.ofMinutes(1)), random), clock, senderMetrics),
                        false),
                new Agent.Loop("send-probes", new ResultSender("probes", probeSpool,
                        (creds, epoch, records) -> transport.sendProbeResults(creds, new io.aami.contract.results.ProbeReportBatch(
                                epoch, records.stream().map(r -> read(mapper, r.payload(), ProbeReport.class)).toList())),
                        holder, limits, stop, new Backoff(Duration.ofSeconds(1), cfg.server().retryCap(Duration.ofMinutes(1)), random), clock, senderMetrics),
                        false)));
        if (tls != null) {
            loops.add(new Agent.Loop("renew", new CertificateRenewer(tls, transport, holder, stop,
                    new Backoff(Duration.ofSeconds(5), cfg.server().retryCap(Duration.ofMinutes(10)), random), clock, random, enroller::credentialRejected),
                    false));
        }
        HeartbeatLoop heartbeats = new HeartbeatLoop(transport, holder, () -> new HeartbeatRequest(version,
                Duration.between(started, clock.instant()).toSeconds(), gate.appliedVersion() < 0 ? null : gate.appliedVersion(),
                (int) Math.min(Integer.MAX_VALUE, checkSpool.stats().pendingRecords() + probeSpool.stats().pendingRecords()),
                enroller.trustError() != null ? enroller.trustError() : gate.lastError()),
                cfg.heartbeat().interval(), stop, new Backoff(Duration.ofSeconds(1), cfg.server().retryCap(Duration.ofMinutes(1)), random), metrics,
                enroller::credentialRejected, new ReenrollmentRule(cfg.server().reenrollAfter(), clock));
        if (cfg.api().enabled()) {
            Map<String, LocalApi.Endpoint> routes = new LinkedHashMap<>(new StatusRoutes(metrics, holder, agentId).routes());
            routes.putAll(new ProbeRoutes(engine, probeMetrics, cfg.api().allowPrivilegedSourcePorts()).routes());
            resources.add(0, LocalApi.start(cfg.api(), mapper, routes, Executors.newFixedThreadPool(16, DaemonThreads.factory("aami-api"))));
        }
        LoggerFactory.getLogger(AgentMain.class).info("aami-agent {} starting as {} for {}", version, agentId, cfg.server().address());
        Agent agent = new Agent(agentId, enroller, heartbeats, loops, stop, resources);
        agent.start();
        return agent;
    }

    private static CheckResult checkResult(long seq, CheckExecution e) {
        return new CheckResult(seq, e.checkId(), e.status(), e.exitCode(), e.output(), e.truncated(), e.timedOut(),
                e.durationMs(), e.executedAt());
    }

    private static ProbeReport probeReport(long seq, ProbeSpec spec, ProbeResult r) {
        return new ProbeReport(seq, spec.probeId(), spec.destinationTargetId(), spec.target(), r.targetIp(), r.targetPort(),
                r.protocol(), r.sourceIp(), r.sourcePort(), r.success(), r.reason(), r.dnsMs(), r.connectMs(), r.totalMs(),
                r.executedAt());
    }

    private static byte[] json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(ObjectMapper mapper, byte[] payload, Class<T> type) {
        try {
            return mapper.readValue(payload, type);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("unreadable spooled " + type.getSimpleName(), e);
        }
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
