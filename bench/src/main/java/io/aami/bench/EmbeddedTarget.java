package io.aami.bench;

import io.aami.server.RunningServer;
import io.aami.server.ServerMain;
import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * A real config-server in this JVM, on port 0, over its embedded PostgreSQL started here first so
 * the bench knows the database's URL (the exactly-once check reads it). Enrollment rate limits are
 * lifted (the whole fleet enrolls from 127.0.0.1); everything else is the server's default.
 */
final class EmbeddedTarget implements AutoCloseable {
    private final Path dir;
    private final EmbeddedPostgresServer pg;
    private final RunningServer server;
    private final ServerConfig cfg;
    private final String adminToken;

    private EmbeddedTarget(Path dir, EmbeddedPostgresServer pg, RunningServer server, ServerConfig cfg, String adminToken) {
        this.dir = dir;
        this.pg = pg;
        this.server = server;
        this.cfg = cfg;
        this.adminToken = adminToken;
    }

    static EmbeddedTarget start(boolean tls, Duration heartbeat) throws IOException {
        return start(tls, heartbeat, Map.of());
    }

    /** @param settings further {@code AAMI_*} settings, applied last (e.g. the monitoring token, {@code metrics.max_age}) */
    static EmbeddedTarget start(boolean tls, Duration heartbeat, Map<String, String> settings) throws IOException {
        Path dir = Files.createTempDirectory("aami-bench");
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg").resolve("postgres"));
        try {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String admin = "bench-" + HexFormat.of().formatHex(secret);
            Map<String, String> env = new HashMap<>();
            env.put("AAMI_LISTEN", "127.0.0.1:0");
            env.put("AAMI_TLS", tls ? "on" : "off");
            env.put("AAMI_ADMIN_TOKEN", admin);
            env.put("AAMI_DATA_DIR", dir.resolve("data").toString());
            env.put("AAMI_DATABASE_URL", pg.jdbcUrl());
            env.put("AAMI_DATABASE_USER", pg.user());
            env.put("AAMI_DATABASE_PASSWORD", pg.password());
            env.put("AAMI_RATE_LIMITS_ENROLL_PER_MINUTE", "1000000");
            env.put("AAMI_RATE_LIMITS_ENROLL_BURST", "1000000");
            env.put("AAMI_HEARTBEAT_INTERVAL", io.aami.common.config.Durations.format(heartbeat));
            env.putAll(settings);
            ServerConfig cfg = ServerConfigLoader.load(null, env);
            return new EmbeddedTarget(dir, pg, ServerMain.start(cfg, Clock.systemUTC()), cfg, admin);
        } catch (RuntimeException | Error e) {
            // An Error too (a class missing from a stale build): the postmaster would outlive this JVM.
            pg.close();
            throw e;
        }
    }

    URI base() {
        return URI.create((cfg.tls().enabled() ? "https://localhost:" : "http://127.0.0.1:") + server.port());
    }

    Path caFile() {
        return cfg.pkiDir().resolve("ca.crt");
    }

    String adminToken() {
        return adminToken;
    }

    /** The embedded database's JDBC URL, user and password (for a peer that writes it directly). */
    String[] databaseLogin() {
        return new String[] {pg.jdbcUrl(), pg.user(), pg.password()};
    }

    Path dir() {
        return dir;
    }

    ExactlyOnce database() {
        return new ExactlyOnce(pg.jdbcUrl(), pg.user(), pg.password());
    }

    /** Writes heartbeats the server holds back (write-behind), so the database shows the run. */
    void flush() {
        server.flushHeartbeats();
    }

    @Override
    public void close() {
        server.close();
        pg.close();
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
