package io.aami.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.config.ConfigException;
import io.aami.common.json.WireJson;
import io.aami.common.logging.LogSetup;
import io.aami.server.agentauth.AgentAuthenticator;
import io.aami.server.cli.TokenCommand;
import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.db.EmbeddedPostgresServer;
import io.aami.server.db.Migrations;
import io.aami.server.groups.GroupHandler;
import io.aami.server.groups.GroupService;
import io.aami.server.groups.GroupStore;
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
import io.aami.server.http.Routes;
import io.aami.server.registration.RegistrationHandler;
import io.aami.server.registration.RegistrationService;
import io.aami.server.security.AdminToken;
import io.aami.server.security.Secrets;
import io.aami.server.targets.TargetHandler;
import io.aami.server.targets.TargetService;
import io.aami.server.targets.TargetStore;
import io.aami.server.tokens.BootstrapTokenHandler;
import io.aami.server.tokens.BootstrapTokenService;
import io.aami.server.tokens.BootstrapTokenStore;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
        ServerConfigLoader.Loaded loaded;
        try {
            loaded = ServerConfigLoader.loadWithWarnings(configFile(args), System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("aami-config-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServerConfig cfg = loaded.config();
        LogSetup.configure(cfg.logging().level(), cfg.logging().format());
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        loaded.warnings().forEach(log::warn);
        Running running;
        try {
            running = start(cfg, Clock.systemUTC());
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
    public static Running start(ServerConfig cfg, Clock clock) {
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Files.createDirectories(cfg.dataDir());
            EmbeddedPostgresServer pg = null;
            String url = cfg.database().url();
            if (cfg.database().embedded()) {
                pg = EmbeddedPostgresServer.start(cfg.postgresDir());
                resources.add(pg);
                url = pg.jdbcUrl();
                log.info("embedded PostgreSQL running on 127.0.0.1:{} with data in {}", pg.port(), cfg.postgresDir().toAbsolutePath());
            }
            Database db = Database.connect(url, cfg.database().user(), cfg.database().password(), cfg.database().poolSize());
            resources.add(0, db);
            Migrations migrations = new Migrations(db, clock);
            migrations.migrate(cfg.database().connectTimeout());

            Secrets secrets = new Secrets(new SecureRandom());
            String adminToken = AdminToken.resolve(cfg.adminToken(), cfg.adminTokenFile(), secrets);
            ObjectMapper mapper = WireJson.mapper();
            JsonBodies bodies = new JsonBodies(mapper, cfg.http().maxBodyBytes());

            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "aami-background");
                t.setDaemon(true);
                return t;
            });
            resources.add(0, scheduler::shutdownNow);
            GroupStore groupStore = new GroupStore();
            TargetStore targetStore = new TargetStore();
            BootstrapTokenStore tokenStore = new BootstrapTokenStore();
            GroupService groups = new GroupService(db, groupStore, clock);
            HeartbeatWriter heartbeatWriter = HeartbeatWriter.create(db);
            heartbeatWriter.start(scheduler, cfg.heartbeat().flushInterval());
            resources.add(0, heartbeatWriter);
            LivenessSweeper sweeper = new LivenessSweeper(db, clock);
            sweeper.start(scheduler, cfg.heartbeat().sweepInterval());
            resources.add(0, sweeper);

            ChangeFeed changes = new ChangeFeed(url, cfg.database().user(), cfg.database().password());
            resources.add(0, changes);
            AgentAuthenticator agentAuth = new AgentAuthenticator(db, targetStore, clock, Duration.ofSeconds(60));
            changes.subscribe(agentAuth::onChange);
            changes.start();
            Routes routes = new Routes(
                    new HealthHandler(db, migrations),
                    new GroupHandler(groups, bodies),
                    new BootstrapTokenHandler(new BootstrapTokenService(db, tokenStore, groups, secrets, cfg.tokens(), clock), bodies),
                    new TargetHandler(new TargetService(db, targetStore, groups, clock), bodies),
                    new RegistrationHandler(new RegistrationService(db, tokenStore, targetStore, groups, secrets, cfg.heartbeat(), clock), bodies),
                    new HeartbeatHandler(new HeartbeatService(heartbeatWriter, cfg.heartbeat(), clock), bodies));
            AccessFilter access = new AccessFilter(new AdminAuthenticator(adminToken), agentAuth, cfg.http().metricsPublic());
            Javalin app = ApiServer.create(cfg, mapper, routes, access, new ErrorMapper());
            app.start();
            resources.add(0, app::stop);
            log.info("config-server listening on {}://{}:{}", "http", cfg.listen().host(), app.port());
            return new Running(app.port(), db, sweeper, heartbeatWriter, resources);
        } catch (Exception e) {
            closeAll(resources);
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A started server; closing it stops the API first and the database last. */
    public static final class Running implements AutoCloseable {
        private final int port;
        private final Database db;
        private final LivenessSweeper sweeper;
        private final HeartbeatWriter heartbeats;
        private final List<AutoCloseable> resources;

        Running(int port, Database db, LivenessSweeper sweeper, HeartbeatWriter heartbeats, List<AutoCloseable> resources) {
            this.port = port;
            this.db = db;
            this.sweeper = sweeper;
            this.heartbeats = heartbeats;
            this.resources = resources;
        }

        public int port() {
            return port;
        }

        public Database database() {
            return db;
        }

        /** Runs a liveness sweep now (tests, and operators via a future admin call). */
        public int sweepNow() {
            return sweeper.sweep();
        }

        /** Writes pending heartbeats now. */
        public void flushHeartbeats() {
            heartbeats.flush();
        }

        @Override
        public void close() {
            closeAll(resources);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(ServerMain.class).warn("error while stopping: {}", e.getMessage());
            }
        }
        resources.clear();
    }

    private static Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("usage: java -jar aami-config-server.jar [--config FILE]\n"
                        + "       java -jar aami-config-server.jar token create [--name N] [--group-id G] [--max-uses N] [--ttl 1h]");
                System.exit(0);
            }
            throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see --help");
        }
        return null;
    }
}
