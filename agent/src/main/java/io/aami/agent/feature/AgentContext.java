package io.aami.agent.feature;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.identity.StateDirectory;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.pki.AgentTls;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.HttpClients;
import io.aami.agent.transport.ServerTransports;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.util.SharedTimer;
import io.aami.agent.util.StopSignal;
import io.aami.common.json.WireJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * The shared infrastructure every feature builds its parts from: the config record, the agent's id
 * and version, the clock, the metrics registry, the wire mapper, the stop signal, the TLS material
 * (null when TLS is off), each loop's transport to the servers, the credential in use, the one timer thread
 * features share ({@link #timer()}), and {@link #out()}, where features register what they contribute.
 */
public final class AgentContext {
    private final AgentConfig cfg;
    private final UUID agentId;
    private final String version;
    private final Clock clock;
    private final Instant started;
    private final ObjectMapper mapper;
    private final StopSignal stop = new StopSignal();
    private final AgentMetrics metrics;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final CredentialHolder credentials = new CredentialHolder();
    private final AgentTls tls;
    private final ServerTransports transports;
    private final Contributions out;
    private final SharedTimer timer;

    private AgentContext(AgentConfig cfg, UUID agentId, String version, Clock clock, ObjectMapper mapper, AgentTls tls,
                         ServerTransports transports, AgentMetrics metrics, Contributions out, SharedTimer timer) {
        this.cfg = cfg;
        this.agentId = agentId;
        this.version = version;
        this.clock = clock;
        this.started = clock.instant();
        this.mapper = mapper;
        this.tls = tls;
        this.transports = transports;
        this.metrics = metrics;
        this.out = out;
        this.timer = timer;
        metrics.buildInfo.addLabelValues(version, agentId.toString());
    }

    /** Prepares the state directory and opens the transport; what it opens is registered in {@code out}. */
    public static AgentContext open(AgentConfig cfg, UUID agentId, String version, Clock clock, Contributions out) {
        // Before anything writes into it (spools, key, credentials): 0700, or tightened.
        StateDirectory.prepare(cfg.agent().stateDir(), cfg.checks().workDir().startsWith(cfg.agent().stateDir()));
        ObjectMapper mapper = WireJson.mapper(LocalApi.MAX_BODY * 2);
        AgentConfig.Tls tlsCfg = cfg.server().tls();
        // Registered first, so closed last: every feature's lease is closed by then.
        SharedTimer timer = out.closeable(new SharedTimer("aami-timer", "aami-disk"));
        // Registered before the transport, so closed after it (closeables close in reverse order).
        ExecutorService http = HttpClients.executor();
        out.closeable(http::shutdown);
        AgentTls tls = tlsCfg.enabled() ? new AgentTls(new AgentTls.Locations(cfg.agent().stateDir().resolve("ca.crt"),
                tlsCfg.clientCert(), tlsCfg.clientKey()), tlsCfg.caCert(), tlsCfg.caCertSha256(), cfg.heartbeat().timeout(),
                new SecureRandom(), http) : null;
        AgentMetrics metrics = new AgentMetrics();
        ServerTransports transports = new ServerTransports(cfg.server(), tls != null ? tls.clients() : HttpClients.plain(cfg, http),
                mapper, HttpClients.requestTimeout(cfg), agentId, metrics.registry());
        return new AgentContext(cfg, agentId, version, clock, mapper, tls, transports, metrics, out, timer);
    }

    /** The retry rhythm of one loop: jittered backoff from {@code base} up to {@code server.retry_max_interval} or {@code defaultCap}. */
    public Retry retry(Duration base, Duration defaultCap) {
        return new Retry(base, cfg.server().retryCap(defaultCap), random);
    }

    public AgentConfig cfg() {
        return cfg;
    }

    public UUID agentId() {
        return agentId;
    }

    public String version() {
        return version;
    }

    public Clock clock() {
        return clock;
    }

    /** When this agent process started, by {@link #clock()}. */
    public Instant started() {
        return started;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public StopSignal stop() {
        return stop;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public RandomGenerator random() {
        return random;
    }

    public CredentialHolder credentials() {
        return credentials;
    }

    /** The agent's TLS material; null when TLS is off. */
    public AgentTls tls() {
        return tls;
    }

    /** The transport of the calls outside the loops below (enrollment), as loop {@code enroll}. */
    public ServerTransport transport() {
        return transport("enroll");
    }

    /**
     * The transport of one loop ({@code heartbeat}, {@code policy}, {@code send-checks}, …): with several servers
     * configured, each loop fails over on its own ({@link ServerTransports}).
     */
    public ServerTransport transport(String loop) {
        return transports.forLoop(loop);
    }

    /**
     * The timer thread ({@code aami-timer}) the check and probe schedulers, their run histories and the
     * spools' fsync share; its tasks must be short.
     */
    public SharedTimer timer() {
        return timer;
    }

    public Contributions out() {
        return out;
    }
}
