package io.aami.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.api.StatusRoutes;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.enrollment.CredentialStore;
import io.aami.agent.enrollment.Enroller;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.transport.HttpClients;
import io.aami.agent.transport.RestTransport;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.util.Backoff;
import io.aami.agent.util.StopSignal;
import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.logging.LogSetup;
import io.aami.contract.heartbeat.HeartbeatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the agent and the one place that wires its object graph. */
public final class AgentMain {
    static final Path DEFAULT_CONFIG = Path.of("/etc/aami/agent.yaml");

    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        AgentConfigLoader.Loaded loaded;
        UUID agentId;
        try {
            loaded = AgentConfigLoader.loadWithWarnings(configFile(args), System.getenv());
            agentId = AgentIdFile.readOrCreate(loaded.config().agent().idFile());
        } catch (ConfigException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
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
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        String version = version();
        Instant started = clock.instant();
        ObjectMapper mapper = WireJson.mapper(LocalApi.MAX_BODY * 2);
        StopSignal stop = new StopSignal();
        AgentMetrics metrics = new AgentMetrics();
        metrics.info.addLabelValues(version, agentId.toString());
        RandomGenerator random = RandomGenerator.getDefault();
        List<AutoCloseable> resources = new ArrayList<>();

        ServerTransport transport = new RestTransport(HttpClients.baseUri(cfg.server()), HttpClients.create(cfg), mapper,
                HttpClients.requestTimeout(cfg));
        resources.add(transport);
        CredentialHolder holder = new CredentialHolder();
        CredentialStore store = new CredentialStore(cfg.credentialsFile(), mapper);
        Enroller enroller = new Enroller(cfg, agentId, transport, store, stop,
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2), random), clock, version, holder, metrics);
        HeartbeatLoop heartbeats = new HeartbeatLoop(transport, holder,
                () -> new HeartbeatRequest(version, Duration.between(started, clock.instant()).toSeconds(), null, null),
                cfg.heartbeat().interval(), stop, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), random), metrics,
                enroller::credentialRejected);
        if (cfg.api().enabled()) {
            ExecutorService apiThreads = Executors.newFixedThreadPool(4, daemon("aami-api"));
            resources.add(0, LocalApi.start(cfg.api(), mapper, new StatusRoutes(metrics, holder, agentId).routes(), apiThreads));
        }
        log.info("aami-agent {} starting as {} for {}", version, agentId, cfg.server().address());
        Agent agent = new Agent(agentId, enroller, heartbeats, stop, resources);
        agent.start();
        return agent;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[++i]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: java -jar aami-agent.jar [--config /etc/aami/agent.yaml]");
                System.exit(0);
            }
            throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see --help");
        }
        return Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
    }
}
