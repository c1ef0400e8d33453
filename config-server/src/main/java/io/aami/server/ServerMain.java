package io.aami.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.concurrent.DaemonThreads;
import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.logging.LogSetup;
import io.aami.server.agentauth.AgentAuthFeature;
import io.aami.server.audit.AuditFeature;
import io.aami.server.checkresults.CheckResultsFeature;
import io.aami.server.checks.ChecksFeature;
import io.aami.server.cli.OperatorCommands;
import io.aami.server.cli.ServerArgs;
import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.db.DatabaseLife;
import io.aami.server.db.DedicatedConnections;
import io.aami.server.db.Duties;
import io.aami.server.db.LiveReplicas;
import io.aami.server.db.EmbeddedPostgresServer;
import io.aami.server.db.Migrations;
import io.aami.server.feature.Features;
import io.aami.server.feature.Resources;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupsFeature;
import io.aami.server.health.HealthFeature;
import io.aami.server.heartbeat.HeartbeatFeature;
import io.aami.server.http.AccessFilter;
import io.aami.server.http.AgentAuthentication;
import io.aami.server.http.ApiServer;
import io.aami.server.http.ErrorMapper;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.OperatorAuthenticator;
import io.aami.server.http.RateLimiter;
import io.aami.server.http.RouteTable;
import io.aami.server.http.TlsMaterial;
import io.aami.server.metrics.MetricsFeature;
import io.aami.server.pki.PkiFeature;
import io.aami.server.policy.PolicyFeature;
import io.aami.server.proberesults.ProbeResultsFeature;
import io.aami.server.discovery.DiscoveryFeature;
import io.aami.server.probes.ProbesFeature;
import io.aami.server.registration.RegistrationFeature;
import io.aami.server.results.ResultStreams;
import io.aami.server.sd.SdFeature;
import io.aami.server.security.AdminToken;
import io.aami.server.security.Secrets;
import io.aami.server.targets.TargetsFeature;
import io.aami.server.tokens.TokensFeature;
import io.aami.server.users.UsersFeature;
import io.aami.server.sessions.SessionsFeature;
import io.aami.server.console.ConsoleFeature;
import io.aami.server.console.audit.AuditPageFeature;
import io.aami.server.console.bootstraptokens.BootstrapTokenPagesFeature;
import io.aami.server.console.mytokens.MyTokensPageFeature;
import io.aami.server.console.users.UserPagesFeature;
import io.aami.server.console.targets.TargetPagesFeature;
import io.aami.server.console.dependencies.DependencyPagesFeature;
import io.aami.server.console.checks.CheckPagesFeature;
import io.aami.server.console.probes.ProbePagesFeature;
import io.javalin.Javalin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the config-server: opens the shared infrastructure, then lists the features, each
 * built from the {@link ServerContext} and the services of the features it depends on (so the
 * dependency order reads top to bottom), and serves the one {@link #ROUTES} table.
 * Adding a feature: write its package with a {@code *Feature} class, construct it in
 * {@link #startFeatures} and list its {@code ROUTES} in {@link #ROUTES}.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("routes")) {
            System.out.print(routeTable().format());
            System.exit(0);
        }
        OptionalInt command = OperatorCommands.run(args, System.getenv(), System.out, System.err, Clock.systemUTC());
        if (command.isPresent()) {
            System.exit(command.getAsInt());
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
        Resources resources = new Resources();
        try {
            Files.createDirectories(cfg.dataDir());
            String url = cfg.database().url();
            String user = cfg.database().user();
            String password = cfg.database().password();
            DatabaseLife life = DatabaseLife.EXTERNAL;
            if (cfg.database().embedded()) {
                EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(cfg.postgresDir());
                resources.opened(pg);
                url = pg.jdbcUrl();
                user = pg.user();
                password = pg.password();
                life = pg;
                log.info("embedded PostgreSQL running on 127.0.0.1:{} with data in {}", pg.port(), cfg.postgresDir());
            }
            Database db = Database.connect(url, user, password, cfg.database().poolSize(), life);
            resources.opened(db);
            Migrations migrations = new Migrations(db, clock);
            migrations.migrate(cfg.database().connectTimeout());
            ChangeFeed changes = new ChangeFeed(url, user, password);
            resources.opened(changes);
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, DaemonThreads.factory("aami-background"));
            resources.opened(scheduler::shutdownNow);
            ObjectMapper mapper = WireJson.mapper();
            PrometheusRegistry registry = new PrometheusRegistry();
            Duties duties = new Duties(DedicatedConnections.factory(url, user, password, "aami-config-server-duties"), scheduler,
                    registry);
            resources.opened(duties);
            ServerContext ctx = new ServerContext(cfg, clock, db, migrations, changes, scheduler, mapper,
                    new JsonBodies(mapper, cfg.http(), clock), registry, new Secrets(new SecureRandom()), resources,
                    new RouteTable(List.of()), duties);
            return startFeatures(ctx);
        } catch (Exception e) {
            resources.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The route table, listed without starting anything (the {@code routes} command). */
    static RouteTable routeTable() {
        RouteTable table = new RouteTable(List.of());
        wire(Features.listing(table));
        return table;
    }

    /** Builds every feature, then starts the change feed and the API. */
    private static RunningServer startFeatures(ServerContext ctx) {
        Core core = wire(Features.building(ctx));
        ctx.changes().start();
        int port = serve(ctx, core.pki().tlsMaterial(), access(ctx, operators(ctx, core.users(), core.sessions()), core.agents().authentication()),
                new ErrorMapper(core.console().errorPages()));
        return new RunningServer(port, ctx.db(), core.heartbeat(), core.results(), ctx.routes(), ctx.resources());
    }

    /** What starting the API and {@link RunningServer} need from the features (all null when listing). */
    private record Core(PkiFeature pki, AgentAuthFeature agents, UsersFeature users, SessionsFeature sessions,
                        ConsoleFeature console, HeartbeatFeature heartbeat, ResultStreams results) {
    }

    /** Every feature, each after those it depends on: adding a feature is one line here. */
    private static Core wire(Features f) {
        AuditFeature audit = f.add(AuditFeature.ROUTES, AuditFeature::new);
        PkiFeature pki = f.add(PkiFeature.ROUTES, PkiFeature::new);
        AgentAuthFeature agents = f.add(ctx -> new AgentAuthFeature(ctx, pki.tls()));
        UsersFeature users = f.add(UsersFeature.ROUTES, ctx -> new UsersFeature(ctx, audit.trail()));
        SessionsFeature sessions = f.add(SessionsFeature.ROUTES, ctx -> new SessionsFeature(ctx, users.passwordLogin(), audit.trail()));
        f.add(HealthFeature.ROUTES, HealthFeature::new);
        ConsoleFeature console = f.add(ConsoleFeature.ROUTES, ConsoleFeature::new);
        f.add(MetricsFeature.ROUTES, MetricsFeature::new);
        GroupsFeature groups = f.add(GroupsFeature.ROUTES, ctx -> new GroupsFeature(ctx, audit.trail()));
        TargetsFeature targets = f.add(TargetsFeature.ROUTES, ctx -> new TargetsFeature(ctx, groups.service(), audit.trail()));
        ChecksFeature checks = f.add(ChecksFeature.ROUTES, ctx -> new ChecksFeature(ctx, groups.service(), targets.store(), audit.trail()));
        ProbesFeature probes = f.add(ProbesFeature.ROUTES, ctx -> new ProbesFeature(ctx, groups.service(), targets.store(), audit.trail()));
        f.add(CheckPagesFeature.ROUTES, ctx -> new CheckPagesFeature(ctx, console.console(), checks.service(), groups.service()));
        f.add(ProbePagesFeature.ROUTES, ctx -> new ProbePagesFeature(ctx, console.console(), probes.service(), groups.service()));
        PolicyFeature policy = f.add(PolicyFeature.ROUTES,
                ctx -> new PolicyFeature(ctx, targets.store(), checks.store(), probes.expansion(), pki.signer()));
        TokensFeature tokens = f.add(TokensFeature.ROUTES,
                ctx -> new TokensFeature(ctx, groups.service(), targets.store(), targets.service(), audit.trail()));
        f.add(RegistrationFeature.ROUTES, ctx -> new RegistrationFeature(ctx, groups.service(), targets.store(), tokens.store(),
                pki.certificates(), pki.signer()));
        HeartbeatFeature heartbeat = f.add(HeartbeatFeature.ROUTES, HeartbeatFeature::new);
        f.add(SdFeature.ROUTES, SdFeature::new);
        ResultStreams results = f.add(ResultStreams::new);
        CheckResultsFeature checkResults = f.add(CheckResultsFeature.ROUTES,
                ctx -> new CheckResultsFeature(ctx, results.ingest(), targets.store(), policy.service()));
        ProbeResultsFeature probeResults = f.add(ProbeResultsFeature.ROUTES,
                ctx -> new ProbeResultsFeature(ctx, results.ingest(), targets.store(), policy.service()));
        DiscoveryFeature discovery = f.add(DiscoveryFeature.ROUTES, ctx -> new DiscoveryFeature(ctx, results.ingest(), targets.store()));
        f.add(TargetPagesFeature.ROUTES, ctx -> new TargetPagesFeature(ctx, console.console(), targets.store(), checkResults.state(),
                probeResults.state(), discovery.service()));
        f.add(DependencyPagesFeature.ROUTES, ctx -> new DependencyPagesFeature(ctx, console.console(), discovery.service()));
        f.add(BootstrapTokenPagesFeature.ROUTES, ctx -> new BootstrapTokenPagesFeature(ctx, console.console(), tokens.service(),
                groups.service(), pki.caPin()));
        f.add(MyTokensPageFeature.ROUTES, ctx -> new MyTokensPageFeature(ctx, console.console(), users.tokenService()));
        f.add(UserPagesFeature.ROUTES, ctx -> new UserPagesFeature(ctx, console.console(), users.userService(), users.tokenService()));
        f.add(AuditPageFeature.ROUTES, ctx -> new AuditPageFeature(ctx, console.console(), audit.service()));
        return new Core(pki, agents, users, sessions, console, heartbeat, results);
    }

    /** Operator credentials: the break-glass admin token, the monitoring token, users' API tokens, console sessions. */
    private static OperatorAuthenticator operators(ServerContext ctx, UsersFeature users, SessionsFeature sessions) {
        ServerConfig cfg = ctx.config();
        String adminToken = AdminToken.resolve(cfg.adminToken(), cfg.adminTokenFile(), ctx.secrets());
        String monitoringToken = AdminToken.resolveMonitoring(cfg.monitoringToken(), cfg.monitoringTokenFile(), ctx.secrets());
        ServerConfig.RateLimits limits = cfg.rateLimits();
        return new OperatorAuthenticator(adminToken, monitoringToken, users.authentication(), sessions.authentication(),
                new RateLimiter(limits.invalidTokenPerSecond(), limits.invalidTokenBurst(), ctx.clock(), 100_000));
    }

    private static AccessFilter access(ServerContext ctx, OperatorAuthenticator operators, AgentAuthentication agents) {
        ServerConfig cfg = ctx.config();
        ServerConfig.RateLimits limits = cfg.rateLimits();
        // The per-agent limit is split between the replicas alive now: an agent is sticky to one replica (its loops
        // move only when theirs stops answering), so in normal use it meets one share, far above what its loops send,
        // and an agent (or a stolen certificate) spreading requests over every replica gets the limit in all, not
        // once per replica. Counting the replicas costs one query per replica every few seconds; sharing the buckets
        // through PostgreSQL would put a write on every agent request, the hot path this limit exists to protect.
        LiveReplicas replicas = new LiveReplicas(ctx.db(), ctx.registry());
        replicas.start(ctx.scheduler());
        ctx.resources().opened(replicas);
        return new AccessFilter(operators, agents, cfg.http().metricsPublic(),
                new RateLimiter(limits.enrollPerMinute() / 60.0, limits.enrollBurst(), ctx.clock(), 100_000),
                new RateLimiter(limits.agentPerSecond(), limits.agentBurst(), ctx.clock(), 200_000, replicas::live),
                cfg.http().maxUnauthenticatedInFlight());
    }

    /** Starts the API on the configured address; returns the port it listens on. */
    private static int serve(ServerContext ctx, TlsMaterial tls, AccessFilter access, ErrorMapper errors) {
        ServerConfig cfg = ctx.config();
        Javalin app = ApiServer.create(cfg, tls, ctx.mapper(), ctx.routes(), access, errors, ctx.registry());
        app.start();
        int port = ((org.eclipse.jetty.server.ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        ctx.resources().opened(app::stop);
        LoggerFactory.getLogger(ServerMain.class).info("config-server listening on {}://{}:{}", tls != null ? "https" : "http",
                cfg.listen().host(), port);
        return port;
    }
}
