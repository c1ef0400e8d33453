package io.aami.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The config-server's whole configuration, immutable, built once by {@link ServerConfigLoader}
 * (defaults &lt; YAML file &lt; {@code AAMI_*} environment).
 */
public record ServerConfig(Listen listen, Path dataDir, Database database, String adminToken, Tls tls,
                           Heartbeat heartbeat, Tokens tokens, Http http, RateLimits rateLimits, Checks checks,
                           Results results, Policy policy, Logging logging, String monitoringToken, Sd sd, Audit audit,
                           Sessions sessions, Console console, Discovery discovery) {

    /** Where the API listens. Port 0 picks a free port (tests). */
    public record Listen(String host, int port) {
        @Override
        public String toString() {
            return new io.aami.common.net.HostPort(host, port).toString();
        }
    }

    /** {@code url} null means: run the embedded PostgreSQL under {@code <data dir>/postgres}. */
    public record Database(String url, String user, String password, int poolSize, Duration connectTimeout) {
        public boolean embedded() {
            return url == null;
        }
    }

    /**
     * TLS (on unless {@code AAMI_TLS=off}): {@code protocols} allowed (TLS 1.3 only by default), extra
     * names for the server certificate, optional operator-supplied CA and server certificate (else a
     * built-in CA under {@code <data dir>/pki}), the lifetime of agent client certificates, and how long
     * the certificate a renewal replaced is still accepted ({@code previousCertificateGrace}).
     */
    public record Tls(boolean enabled, java.util.List<String> protocols, java.util.List<String> serverNames, Path caCert,
                      Path caKey, Path cert, Path key, Duration clientCertValidity, Duration previousCertificateGrace) {
    }

    /** Agents heartbeat every {@code interval}; {@code missedForOffline} missed ones mark a target offline. */
    public record Heartbeat(Duration interval, int missedForOffline, Duration sweepInterval, Duration flushInterval) {
        public Duration offlineAfter() {
            return interval.multipliedBy(missedForOffline);
        }
    }

    /**
     * Bootstrap-token lifetimes, and how long a re-enrollment whose answer was lost may be retried with
     * the agent token it replaced ({@code registrationRetryWindow}; zero: never).
     */
    public record Tokens(Duration defaultTtl, Duration maxTtl, Duration registrationRetryWindow) {
    }

    /**
     * {@code metricsPublic}: whether {@code /metrics} is served without the admin token;
     * {@code tlsHandshakeTimeout}: a TLS connection must finish its handshake within this;
     * {@code metricsMaxAge}: how old the exported fleet state may be (scrapes share one rendering);
     * {@code headerReadTimeout}: a request's line and headers must arrive within this;
     * {@code bodyReadTimeout} and {@code minBodyRateBytesPerSecond}: a request body must arrive within the
     * deadline and at least at that rate (else 408); {@code maxUnauthenticatedInFlight}: requests to routes
     * that need no credential (enrollment, the CA, metrics) handled at once, beyond which they get 503;
     * {@code maxTlsHandshakes}: TLS handshakes in progress at once, beyond which the listener stops accepting
     * until one ends; {@code maxTlsHandshakesPerAddress}: of those, from one source address;
     * {@code trustedProxies}: reverse proxies (canonical CIDR strings) whose {@code X-Forwarded-For} and
     * {@code X-Forwarded-Proto} are believed; {@code plainHttpLogin}: where a password may come over plain HTTP
     * ({@code loopback}, {@code allow}, {@code refuse}).
     */
    public record Http(long maxBodyBytes, boolean metricsPublic, Duration tlsHandshakeTimeout, Duration metricsMaxAge,
                       Duration headerReadTimeout, Duration bodyReadTimeout, long minBodyRateBytesPerSecond,
                       int maxUnauthenticatedInFlight, int maxTlsHandshakes, int maxTlsHandshakesPerAddress,
                       java.util.List<String> trustedProxies, String plainHttpLogin, int acceptQueue) {
    }

    /**
     * Enrollment attempts per source address ({@code enrollPerMinute}, bursts of {@code enrollBurst}) and
     * requests per agent ({@code agentPerSecond}, bursts of {@code agentBurst}); beyond them: 429. Invalid bearer
     * tokens per source address ({@code invalidTokenPerSecond}, bursts of {@code invalidTokenBurst}): beyond them
     * any token but the admin and monitoring tokens is refused (429) before it is looked up in the database.
     */
    public record RateLimits(double enrollPerMinute, int enrollBurst, double agentPerSecond, int agentBurst,
                             double invalidTokenPerSecond, int invalidTokenBurst) {
    }

    /** Interpreters a check may name (an allow-list), and the script size limit. */
    public record Checks(java.util.List<String> interpreters, int maxScriptBytes) {
    }

    /**
     * Result history: kept {@code retention} (whole daily partitions are dropped), partitions created
     * {@code partitionsAhead} days ahead; a batch holds at most {@code maxBatch} results. Partition maintenance
     * runs every {@code maintenanceInterval} on one replica at a time, and moves to another within that period
     * when its replica dies.
     */
    public record Results(Duration retention, int partitionsAhead, int maxBatch, Duration maintenanceInterval) {
    }

    /**
     * The longest an agent's policy long poll may wait; how long a signed bundle stays valid
     * ({@code bundleTtl}); the Ed25519 signing key (null: generated under {@code <data dir>/pki}).
     */
    public record Policy(Duration maxWait, Duration bundleTtl, Path signingKey) {
    }

    public record Logging(String level, String format) {
    }

    /**
     * Prometheus service discovery: besides the address each heartbeat came from, an agent's local API is
     * listed at an IP address it bound only when that address lies in one of {@code allowedCidrs} (canonical
     * CIDR strings; empty: none).
     */
    public record Sd(java.util.List<String> allowedCidrs) {
    }

    /** The audit log: events older than {@code retention} are deleted (hourly, in bounded batches). */
    public record Audit(Duration retention) {
    }

    /** The console's browser sessions: each ends after {@code idleTimeout} unused, and {@code absoluteTimeout} after login. */
    public record Sessions(Duration idleTimeout, Duration absoluteTimeout) {
    }

    /**
     * The operator console: the fleet summary (overview, {@code GET /api/v1/fleet/summary}) is reused for
     * {@code summaryMaxAge} by every caller of this replica (zero: computed for each request).
     */
    public record Console(Duration summaryMaxAge) {
    }

    /**
     * Host discovery on the server: {@code inventory}, address ranges outside the fleet and their names (the most
     * specific range wins); {@code /metrics} re-exports at most {@code metricsMaxEdges} group-to-group edges and
     * {@code metricsMaxConnectionSeries} per-target connection-state series, those of at least
     * {@code metricsMinConnections} connections, largest first.
     */
    public record Discovery(java.util.List<InventoryRange> inventory, int metricsMaxEdges, int metricsMaxConnectionSeries,
                            int metricsMinConnections) {
    }

    /** One {@code discovery.inventory} entry: a canonical CIDR and the name of what lives there. */
    public record InventoryRange(String cidr, String name) {
    }

    public Path postgresDir() {
        return dataDir.resolve("postgres");
    }

    public Path pkiDir() {
        return dataDir.resolve("pki");
    }

    public Path adminTokenFile() {
        return dataDir.resolve("admin-token");
    }

    /** The read-only credential of Prometheus (service discovery, {@code /metrics}) when {@code monitoring_token} is unset. */
    public Path monitoringTokenFile() {
        return dataDir.resolve("monitoring-token");
    }
}
