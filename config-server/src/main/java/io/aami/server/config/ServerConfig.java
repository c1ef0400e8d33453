package io.aami.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The config-server's whole configuration, immutable, built once by {@link ServerConfigLoader}
 * (defaults &lt; YAML file &lt; {@code AAMI_*} environment).
 */
public record ServerConfig(Listen listen, Path dataDir, Database database, String adminToken, Tls tls,
                           Heartbeat heartbeat, Tokens tokens, Http http, Logging logging) {

    /** Where the API listens. Port 0 picks a free port (tests). */
    public record Listen(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** {@code url} null means: run the embedded PostgreSQL under {@code <data dir>/postgres}. */
    public record Database(String url, String user, String password, int poolSize, Duration connectTimeout) {
        public boolean embedded() {
            return url == null;
        }
    }

    public record Tls(boolean enabled) {
    }

    /** Agents heartbeat every {@code interval}; {@code missedForOffline} missed ones mark a target offline. */
    public record Heartbeat(Duration interval, int missedForOffline, Duration sweepInterval, Duration flushInterval) {
        public Duration offlineAfter() {
            return interval.multipliedBy(missedForOffline);
        }
    }

    public record Tokens(Duration defaultTtl, Duration maxTtl) {
    }

    /** {@code metricsPublic}: whether {@code /metrics} is served without the admin token. */
    public record Http(long maxBodyBytes, boolean metricsPublic) {
    }

    public record Logging(String level, String format) {
    }

    public Path postgresDir() {
        return dataDir.resolve("postgres");
    }

    public Path adminTokenFile() {
        return dataDir.resolve("admin-token");
    }
}
