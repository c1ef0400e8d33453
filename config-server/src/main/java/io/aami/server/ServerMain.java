package io.aami.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.logging.LogSetup;
import io.aami.server.agentauth.AgentAuthenticator;
import io.aami.server.checks.CheckHandler;
import io.aami.server.checks.CheckService;
import io.aami.server.checks.CheckStore;
import io.aami.server.cli.CaCommand;
import io.aami.server.cli.PolicyCommand;
import io.aami.server.policy.PolicyKeyRotations;
import io.aami.server.cli.ServerArgs;
import io.aami.server.cli.TokenCommand;
import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.db.DatabaseLife;
import io.aami.server.db.EmbeddedPostgresServer;
import io.aami.server.db.Migrations;
import io.aami.server.groups.GroupHandler;
import io.aami.server.groups.GroupService;
import io.aami.server.groups.GroupStore;
import io.aami.server.health.DatabaseProbe;
import io.aami.server.health.HealthHandler;
import io.aami.server.heartbeat.HeartbeatHandler;
import io.aami.server.heartbeat.HeartbeatService;
import io.aami.server.heartbeat.HeartbeatWriter;
import io.aami.server.heartbeat.LivenessSweeper;
import io.aami.server.http.AccessFilter;
import io.aami.server.http.AdminAuthenticator;
import io.aami.server.http.ApiServer;
import io.aami.server.http.ErrorMapper;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.RateLimiter;
import io.aami.server.http.Routes;
import io.aami.server.metrics.FleetCollector;
import io.aami.server.metrics.FleetExposition;
import io.aami.server.metrics.MetricsHandler;
import io.aami.server.metrics.ProbeFleetCollector;
import io.aami.server.metrics.ServerMetrics;
import io.aami.server.pki.ClientCertificates;
import io.aami.server.pki.PkiHandler;
import io.aami.server.pki.ServerPki;
import io.aami.server.policy.PolicyHandler;
import io.aami.server.policy.PolicyService;
import io.aami.server.policy.PolicyWaiters;
import io.aami.server.probes.ProbeExpansion;
import io.aami.server.probes.ProbeHandler;
import io.aami.server.proberesults.ProbeMatrixService;
import io.aami.server.proberesults.ProbeResultHandler;
import io.aami.server.proberesults.ProbeResultIngest;
import io.aami.server.probes.ProbeService;
import io.aami.server.proberesults.ProbeStateService;
import io.aami.server.probes.ProbeStore;
import io.aami.server.registration.RegistrationHandler;
import io.aami.server.registration.RegistrationService;
import io.aami.server.checkresults.CheckResultHandler;
import io.aami.server.checkresults.CheckResultIngest;
import io.aami.server.checkresults.CheckResultStore;
import io.aami.server.checkresults.CheckStateService;
import io.aami.server.checkresults.CheckLatestStore;
import io.aami.server.results.PartitionMaintainer;
import io.aami.server.results.StreamIngest;
import io.aami.server.security.AdminToken;
import io.aami.server.security.Secrets;
import io.aami.server.targets.TargetHandler;
import io.aami.server.targets.TargetService;
import io.aami.server.targets.TargetStore;
import io.aami.server.tokens.BootstrapTokenHandler;
import io.aami.server.tokens.BootstrapTokenService;
import io.aami.server.tokens.BootstrapTokenStore;
import io.javalin.Javalin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the config-server and the one place that wires its object graph. */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(new TokenCommand(System.getenv(), System.out, System.err).run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("policy")) {
            System.exit(new PolicyCommand(System.getenv(), System.out, System.err, java.time.Clock.systemUTC())
                    .run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("ca")) {
            System.exit(new CaCommand(System.getenv(), System.out, System.err).run(List.of(args).subList(1, args.length)));
        }
        ServerConfigLoader.Loaded loaded;
        try {
            loaded = ServerConfigLoader.loadWithWarnings(ServerArgs.configFile(args), System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("aami-config-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServerConfig cfg = loaded.config();
        LogSetup.configure(cfg.logging().level(), cfg.logging().format());
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        loaded.warnings().forEach(log::warn);
        RunningServer running;
        try {
            running = start(cfg, Clock.tickMillis(java.time.ZoneOffset.UTC));
        } catch (RuntimeException e) {
            log.error("config-server failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            running.close();
            stopped.countDown();
        }, "aami-shutdown"));
        stopped.await();
    }

    /** Starts everything described by {@code cfg}; the caller closes the result to stop it. */
    public static RunningServer start(ServerConfig cfg, Clock clock) {
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Files.createDirectories(cfg.dataDir());
            String url = cfg.database().url();
            String user = cfg.database().user();
            String password = cfg.database().password();
            DatabaseLife life = DatabaseLife.EXTERNAL;
            if (cfg.database().embedded()) {
                EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(cfg.postgresDir());
                resources.add(pg);
                url = pg.jdbcUrl();
                user = pg.user();
                password = pg.password();
                life = pg;
                log.info("embedded PostgreSQL running on 127.0.0.1:{} with data in {}", pg.port(), cfg.postgresDir());
            }
            Database db = Database.connect(url, user, password, cfg.database().poolSize(), life);
            resources.add(0, db);
            Migrations migrations = new Migrations(db, clock);
            migrations.migrate(cfg.database().connectTimeout());
            ChangeFeed changes = new ChangeFeed(url, user, password);
            resources.add(0, changes);
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("aami-background"));
            resources.add(0, scheduler::shutdownNow);
            return startApi(cfg, clock, db, migrations, changes, scheduler, resources);
        } catch (Exception e) {
            RunningServer.closeAll(resources);
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    private static RunningServer startApi(ServerConfig cfg, Clock clock, Database db, Migrations migrations, ChangeFeed changes,
                                          ScheduledExecutorService scheduler, List<AutoCloseable> resources) {
        SecureRandom random = new SecureRandom();
        Secrets secrets = new Secrets(random);
        ServerPki pki = ServerPki.load(cfg, clock, random);
        String adminToken = AdminToken.resolve(cfg.adminToken(), cfg.adminTokenFile(), secrets);
        ObjectMapper mapper = WireJson.mapper();
        JsonBodies bodies = new JsonBodies(mapper, cfg.http(), clock);
        PrometheusRegistry registry = new PrometheusRegistry();
        ServerMetrics metrics = new ServerMetrics(registry, db);
        FleetExposition fleet = new FleetExposition(List.of(new FleetCollector(db, clock), new ProbeFleetCollector(db, clock)),
                cfg.http().metricsMaxAge(), clock);
        fleet.start(scheduler);
        resources.add(0, fleet);
        metrics.observe(fleet);

        GroupStore groupStore = new GroupStore();
        TargetStore targetStore = new TargetStore();
        BootstrapTokenStore tokenStore = new BootstrapTokenStore();
        CheckStore checkStore = new CheckStore();
        GroupService groups = new GroupService(db, groupStore, clock);
        TargetService targetService = new TargetService(db, targetStore, groups, clock);

        HeartbeatWriter heartbeatWriter = HeartbeatWriter.create(db);
        heartbeatWriter.start(scheduler, cfg.heartbeat().flushInterval());
        resources.add(0, heartbeatWriter);
        LivenessSweeper sweeper = new LivenessSweeper(db, clock);
        sweeper.start(scheduler, cfg.heartbeat().sweepInterval());
        resources.add(0, sweeper);
        PartitionMaintainer partitions = new PartitionMaintainer(db, List.of("check_results", "probe_results"), cfg.results().retention(),
                cfg.results().partitionsAhead(), clock);
        partitions.start(scheduler, Duration.ofHours(1));
        resources.add(0, partitions);

        AgentAuthenticator agentAuth = new AgentAuthenticator(db, clock, Duration.ofSeconds(60), pki.tls());
        ClientCertificates certificates = pki.tls()
                ? new ClientCertificates(pki.ca(), cfg.tls().clientCertValidity(), cfg.tls().previousCertificateGrace(), clock) : null;
        ProbeStore probeStore = new ProbeStore();
        PolicyService policies = new PolicyService(db, targetStore, checkStore, new ProbeExpansion(probeStore), pki.signer(),
                cfg.policy().bundleTtl(), clock);
        ExecutorService recompute = Executors.newFixedThreadPool(4, daemon("aami-policy"));
        resources.add(0, recompute::shutdownNow);
        PolicyWaiters waiters = new PolicyWaiters(policies, scheduler, recompute);
        changes.subscribe(agentAuth::onChange);
        changes.subscribe(waiters::onChange);
        changes.start();

        CheckResultStore resultStore = new CheckResultStore();
        StreamIngest streams = new StreamIngest(db, partitions, metrics, clock);
        CheckStateService checkState = new CheckStateService(db, targetStore, policies, resultStore, new CheckLatestStore(), clock);
        DatabaseProbe probe = new DatabaseProbe(db);
        probe.start(scheduler, Duration.ofSeconds(2));
        resources.add(0, probe);
        Routes routes = new Routes(
                new HealthHandler(probe, migrations),
                new MetricsHandler(registry, fleet),
                new GroupHandler(groups, bodies),
                new BootstrapTokenHandler(new BootstrapTokenService(db, tokenStore, groups, secrets, cfg.tokens(), targetStore,
                        targetService, clock), bodies),
                new TargetHandler(targetService, bodies),
                new RegistrationHandler(new RegistrationService(db, tokenStore, targetStore, groups, secrets, cfg.heartbeat(),
                        cfg.tokens().registrationRetryWindow(), certificates, pki.signer(), clock), bodies),
                new HeartbeatHandler(new HeartbeatService(heartbeatWriter, cfg.heartbeat(), metrics, clock), bodies),
                new CheckHandler(new CheckService(db, checkStore, groups, targetStore, cfg.checks(), clock), bodies),
                new PolicyHandler(policies, waiters, cfg.policy(), PolicyKeyRotations.forConfig(cfg, mapper).info(pki.signer())),
                new CheckResultHandler(new CheckResultIngest(streams, resultStore, cfg.results().maxBatch()), checkState, bodies),
                new ProbeHandler(new ProbeService(db, probeStore, groups, targetStore, clock), bodies),
                new ProbeResultHandler(new ProbeResultIngest(streams, cfg.results().maxBatch()),
                        new ProbeStateService(db, targetStore, policies, clock), new ProbeMatrixService(db, targetStore, policies, clock),
                        bodies),
                new PkiHandler(db, certificates, bodies));
        ServerConfig.RateLimits limits = cfg.rateLimits();
        AccessFilter access = new AccessFilter(new AdminAuthenticator(adminToken), agentAuth, cfg.http().metricsPublic(),
                new RateLimiter(limits.enrollPerMinute() / 60.0, limits.enrollBurst(), clock, 100_000),
                new RateLimiter(limits.agentPerSecond(), limits.agentBurst(), clock, 200_000),
                cfg.http().maxUnauthenticatedInFlight());
        Javalin app = ApiServer.create(cfg, pki, mapper, routes, access, new ErrorMapper(), metrics);
        app.start();
        int port = ((org.eclipse.jetty.server.ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        resources.add(0, app::stop);
        resources.add(0, waiters::releaseAll);
        LoggerFactory.getLogger(ServerMain.class).info("config-server listening on {}://{}:{}", pki.tls() ? "https" : "http",
                cfg.listen().host(), port);
        return new RunningServer(port, db, sweeper, heartbeatWriter, partitions, resources);
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
