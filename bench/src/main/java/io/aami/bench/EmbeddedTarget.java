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
 * A real config-server in this JVM, on a port chosen once (so {@link #restart} comes back on it), over
 * its embedded PostgreSQL started here first so the bench knows the database's URL (the exactly-once
 * check reads it). Enrollment rate limits are lifted (the whole fleet enrolls from 127.0.0.1);
 * everything else is the server's default. Its files live in a temporary directory deleted at close,
 * or in a directory the caller keeps ({@code --data-dir}), so a later run meets the same server: its CA,
 * database and the agents enrolled in it ({@code --identities}). A new database directory is first given to a
 * {@link ClusterSeed} if one is on the class path (the tests'), else PostgreSQL is unpacked and initdb'd as usual.
 */
final class EmbeddedTarget implements AutoCloseable {
    private final Path dir;
    private final boolean keep;
    private final EmbeddedPostgresServer pg;
    private final Map<String, String> env;
    private final String adminToken;
    private ServerConfig cfg;
    private RunningServer server;

    private EmbeddedTarget(Path dir, boolean keep, EmbeddedPostgresServer pg, RunningServer server, Map<String, String> env,
                           ServerConfig cfg, String adminToken) {
        this.dir = dir;
        this.keep = keep;
        this.pg = pg;
        this.server = server;
        this.env = env;
        this.cfg = cfg;
        this.adminToken = adminToken;
    }

    static EmbeddedTarget start(boolean tls, Duration heartbeat) throws IOException {
        return start(tls, heartbeat, Map.of(), null);
    }

    /** @param settings further {@code AAMI_*} settings, applied last (e.g. the monitoring token, {@code metrics.max_age}) */
    static EmbeddedTarget start(boolean tls, Duration heartbeat, Map<String, String> settings) throws IOException {
        return start(tls, heartbeat, settings, null);
    }

    /**
     * @param settings further {@code AAMI_*} settings, applied last
     * @param keepDir  the server's directory, kept after close; null for a temporary one
     */
    static EmbeddedTarget start(boolean tls, Duration heartbeat, Map<String, String> settings, Path keepDir) throws IOException {
        return start(tls, heartbeat, settings, keepDir, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #start(boolean, Duration, Map)}, the server's database URL made from the embedded PostgreSQL's by
     * {@code databaseUrl} (the bench's own connections keep the plain one): {@code console} puts its
     * {@link CountingDriver} there.
     */
    static EmbeddedTarget start(boolean tls, Duration heartbeat, Map<String, String> settings, Path keepDir,
                                java.util.function.UnaryOperator<String> databaseUrl) throws IOException {
        Path dir = keepDir != null ? Files.createDirectories(keepDir) : Files.createTempDirectory("aami-bench");
        Path pgData = dir.resolve("pg");
        if (!Files.exists(pgData.resolve("postgres"))) {
            java.util.ServiceLoader.load(ClusterSeed.class).findFirst().ifPresent(seed -> seed.seed(pgData));
        }
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgData.resolve("postgres"));
        try {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String admin = "bench-" + HexFormat.of().formatHex(secret);
            Map<String, String> env = new HashMap<>();
            env.put("AAMI_LISTEN", "127.0.0.1:" + freePort());
            env.put("AAMI_TLS", tls ? "on" : "off");
            env.put("AAMI_ADMIN_TOKEN", admin);
            env.put("AAMI_DATA_DIR", dir.resolve("data").toString());
            env.put("AAMI_DATABASE_URL", databaseUrl.apply(pg.jdbcUrl()));
            env.put("AAMI_DATABASE_USER", pg.user());
            env.put("AAMI_DATABASE_PASSWORD", pg.password());
            env.put("AAMI_RATE_LIMITS_ENROLL_PER_MINUTE", "1000000");
            env.put("AAMI_RATE_LIMITS_ENROLL_BURST", "1000000");
            // Every simulated agent comes from 127.0.0.1 where a real fleet's come from an address each: the
            // per-address share of TLS handshakes in progress is lifted to the whole (the server's default).
            env.put("AAMI_HTTP_MAX_TLS_HANDSHAKES_PER_ADDRESS", String.valueOf(64 * Runtime.getRuntime().availableProcessors()));
            env.put("AAMI_HEARTBEAT_INTERVAL", io.aami.common.config.Durations.format(heartbeat));
            env.putAll(settings);
            ServerConfig cfg = ServerConfigLoader.load(null, env);
            return new EmbeddedTarget(dir, keepDir != null, pg, ServerMain.start(cfg, Clock.systemUTC()), env, cfg, admin);
        } catch (RuntimeException | Error e) {
            // An Error too (a class missing from a stale build): the postmaster would outlive this JVM.
            pg.close();
            throw e;
        }
    }

    /**
     * Stops the server: it finishes what it was answering, then its connections drop, as at an upgrade
     * (pending heartbeats are flushed). Returns when it is stopped; {@link #start} brings it back.
     */
    void stop() {
        server.close();
    }

    /** Starts the stopped server again on the same port and directory, with the same CA and server certificate. */
    void start() {
        server = ServerMain.start(cfg, Clock.systemUTC());
    }

    /** Restarts the server with TLS on or off (same port, directory and database): one PostgreSQL for both runs of a peer comparison. */
    void switchTls(boolean tls) {
        server.close();
        env.put("AAMI_TLS", tls ? "on" : "off");
        cfg = ServerConfigLoader.load(null, env);
        server = ServerMain.start(cfg, Clock.systemUTC());
    }

    URI base() {
        return URI.create((cfg.tls().enabled() ? "https://localhost:" : "http://127.0.0.1:") + server.port());
    }

    /**
     * The {@code AAMI_*} settings this server runs with (its database, admin token, TLS, rate limits):
     * a replica of it ({@link Replicas}) starts from the same, with a listen address and data directory of its own.
     */
    Map<String, String> settings() {
        return Map.copyOf(env);
    }

    /** The server's {@code pki/} directory: the CA and policy key every replica must share. */
    Path pkiDir() {
        return cfg.pkiDir();
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
        if (!keep) {
            deleteQuietly(dir);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
