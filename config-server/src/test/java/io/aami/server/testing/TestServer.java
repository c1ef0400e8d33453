package io.aami.server.testing;

import io.aami.server.RunningServer;
import io.aami.server.ServerMain;
import io.aami.server.config.ServerConfig;
import io.aami.server.config.ServerConfigLoader;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A real config-server in this JVM, on port 0, on a fresh real PostgreSQL database. */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN = "test-admin-token-0123456789";
    /** Prometheus's read-only credential: service discovery and /metrics only. */
    public static final String MONITORING = "test-monitoring-token-0123456789";

    /** The data dirs {@link #environment} made in this JVM; one hook removes them all at exit. */
    private static final java.util.Set<java.nio.file.Path> MADE_DATA_DIRS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MADE_DATA_DIRS.forEach(TestServer::deleteTree)));
    }

    private final RunningServer running;
    private final TestDatabase.Coordinates db;
    private final ServerConfig cfg;
    private final Api api;

    private TestServer(RunningServer running, TestDatabase.Coordinates db, ServerConfig cfg) {
        this.running = running;
        this.db = db;
        this.cfg = cfg;
        this.api = cfg.tls().enabled()
                ? new Api("https://localhost:" + running.port(), TlsTestClients.trusting(caFile(cfg), null))
                : new Api("http://127.0.0.1:" + running.port());
    }

    private static java.nio.file.Path caFile(ServerConfig cfg) {
        return cfg.pkiDir().resolve("ca.crt");
    }

    /** The server's data directory (its PKI lives in {@code pki/}). */
    public java.nio.file.Path dataDir() {
        return cfg.dataDir();
    }

    public java.nio.file.Path caCertificate() {
        return caFile(cfg);
    }

    /** Starts a server; {@code env} adds or overrides {@code AAMI_*} settings. */
    public static TestServer start(Map<String, String> env) {
        return start(env, TestDatabase.fresh(), Clock.tickMillis(java.time.ZoneOffset.UTC));
    }

    public static TestServer start(Map<String, String> env, TestDatabase.Coordinates db, Clock clock) {
        ServerConfig cfg = ServerConfigLoader.load(null, environment(env, db));
        return new TestServer(ServerMain.start(cfg, clock), db, cfg);
    }

    /** The environment a server process would get for this database. */
    public static Map<String, String> environment(Map<String, String> overrides, TestDatabase.Coordinates db) {
        Map<String, String> env = new HashMap<>();
        env.put("AAMI_LISTEN", "127.0.0.1:0");
        env.put("AAMI_TLS", "off");
        env.put("AAMI_ADMIN_TOKEN", ADMIN);
        env.put("AAMI_MONITORING_TOKEN", MONITORING);
        env.put("AAMI_DATABASE_URL", db.url());
        // Tests enroll many agents from 127.0.0.1; the rate-limit tests set their own limits.
        env.put("AAMI_RATE_LIMITS_ENROLL_PER_MINUTE", "1000000");
        env.put("AAMI_RATE_LIMITS_ENROLL_BURST", "1000000");
        // Tests try many wrong tokens from 127.0.0.1; InvalidTokenLimitTest sets its own limit.
        env.put("AAMI_RATE_LIMITS_INVALID_TOKEN_BURST", "1000000");
        // Every scrape reads the fleet afresh, so tests see their own changes; the cache has its own test.
        env.put("AAMI_METRICS_MAX_AGE", "0s");
        if (db.user() != null) {
            env.put("AAMI_DATABASE_USER", db.user());
        }
        if (db.password() != null) {
            env.put("AAMI_DATABASE_PASSWORD", db.password());
        }
        if (!overrides.containsKey("AAMI_DATA_DIR")) {
            env.put("AAMI_DATA_DIR", madeDataDir().toString());
        }
        env.putAll(overrides);
        return env;
    }

    /**
     * A data dir of its own, removed when the test JVM exits rather than at {@link #close}: a test may start
     * a second server on the first one's data (a restart). Without this, every run left ~1,500 in /tmp.
     */
    private static java.nio.file.Path madeDataDir() {
        try {
            java.nio.file.Path dir = Files.createTempDirectory("aami-server");
            MADE_DATA_DIRS.add(dir);
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // Best effort at exit: a leftover temp dir is not a test failure.
        }
    }

    public Api api() {
        return api;
    }

    public int port() {
        return running.port();
    }

    public String baseUrl() {
        return (cfg.tls().enabled() ? "https://localhost:" : "http://127.0.0.1:") + running.port();
    }

    public TestDatabase.Coordinates database() {
        return db;
    }

    public RunningServer running() {
        return running;
    }


    @Override
    public void close() {
        running.close();
    }
}
