package io.aami.server.config;

import io.aami.common.config.ConfigException;
import io.aami.common.config.ConfigTree;
import io.aami.common.net.HostPort;
import io.aami.common.text.Strings;
import io.aami.contract.registration.AgentTlsNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds and validates {@link ServerConfig}; any problem is a {@link ConfigException} naming the key. */
public final class ServerConfigLoader {
    private static final Map<String, String> ENV_ALIASES = Map.of("tls.enabled", "AAMI_TLS");
    /** At most half of the server's worker threads may serve requests that carry no credential. */
    public static final int MAX_UNAUTHENTICATED = 125;

    private ServerConfigLoader() {
    }

    /** The configuration plus warnings worth logging once logging is up. */
    public record Loaded(ServerConfig config, List<String> warnings) {
    }

    public static ServerConfig load(Path file, Map<String, String> env) {
        return loadWithWarnings(file, env).config();
    }

    public static Loaded loadWithWarnings(Path file, Map<String, String> env) {
        ConfigTree t = ConfigTree.load(file, env, ENV_ALIASES);
        ServerConfig cfg = new ServerConfig(
                listen(t),
                Path.of(t.string("data_dir", "./data")).toAbsolutePath().normalize(),
                new ServerConfig.Database(
                        Strings.blankToNull(t.string("database.url", null)),
                        t.string("database.user", null),
                        t.string("database.password", null),
                        t.integer("database.pool_size", 16, 2, 500),
                        t.duration("database.connect_timeout", Duration.ofSeconds(60))),
                Strings.blankToNull(t.string("admin_token", null)),
                new ServerConfig.Tls(t.bool("tls.enabled", true),
                        t.stringList("tls.protocols", List.of("TLSv1.3")),
                        t.stringList("tls.server_names", List.of()),
                        path(t.string("tls.ca_cert", null)), path(t.string("tls.ca_key", null)),
                        path(t.string("tls.cert", null)), path(t.string("tls.key", null)),
                        t.duration("tls.client_cert_validity", Duration.ofDays(7)),
                        t.duration("tls.previous_certificate_grace", Duration.ofMinutes(5))),
                new ServerConfig.Heartbeat(
                        t.duration("heartbeat.interval", Duration.ofSeconds(30)),
                        t.integer("heartbeat.missed_for_offline", 3, 2, 100),
                        t.duration("heartbeat.sweep_interval", Duration.ofSeconds(5)),
                        t.duration("heartbeat.flush_interval", Duration.ofMillis(250))),
                new ServerConfig.Tokens(
                        t.duration("bootstrap_tokens.default_ttl", Duration.ofHours(24)),
                        t.duration("bootstrap_tokens.max_ttl", Duration.ofDays(365)),
                        t.duration("bootstrap_tokens.registration_retry_window", Duration.ofMinutes(15))),
                HttpKeys.read(t),
                new ServerConfig.RateLimits(
                        t.integer("rate_limits.enroll_per_minute", 60, 1, 1_000_000),
                        t.integer("rate_limits.enroll_burst", 20, 1, 1_000_000),
                        t.integer("rate_limits.agent_per_second", 20, 1, 1_000_000),
                        t.integer("rate_limits.agent_burst", 100, 1, 1_000_000),
                        t.integer("rate_limits.invalid_token_per_second", 5, 1, 1_000_000),
                        t.integer("rate_limits.invalid_token_burst", 50, 1, 1_000_000)),
                new ServerConfig.Checks(
                        t.stringList("checks.interpreters", List.of("sh", "bash", "python3")),
                        maxScriptBytes(t)),
                new ServerConfig.Results(
                        t.duration("results.retention", Duration.ofDays(14)),
                        t.integer("results.partitions_ahead", 3, 1, 60),
                        t.integer("results.max_batch", 10_000, 1, 100_000),
                        t.duration("results.maintenance_interval", Duration.ofHours(1))),
                new ServerConfig.Policy(t.duration("policy.max_wait", Duration.ofSeconds(60)),
                        t.duration("policy.bundle_ttl", Duration.ofDays(7)),
                        path(t.string("policy.signing_key", null))),
                new ServerConfig.Logging(
                        t.choice("logging.level", "info", "trace", "debug", "info", "warn", "error"),
                        t.choice("logging.format", "text", "text", "json")),
                Strings.blankToNull(t.string("monitoring_token", null)),
                new ServerConfig.Sd(HttpKeys.cidrs(t, "sd.allowed_cidrs", "list the agents' networks")),
                new ServerConfig.Audit(t.duration("audit.retention", Duration.ofDays(365))),
                new ServerConfig.Sessions(t.duration("sessions.idle_timeout", Duration.ofMinutes(30)),
                        t.duration("sessions.absolute_timeout", Duration.ofHours(12))),
                new ServerConfig.Console(t.duration("console.summary_max_age", Duration.ofSeconds(5))),
                DiscoveryKeys.read(t));
        t.finish();
        validate(cfg, t);
        return new Loaded(cfg, t.unusedEnvironmentWarnings("config-server"));
    }

    /** Port 0 picks a free port (tests); the host is never empty: {@code 0.0.0.0:8443} or {@code [::]:8443}. */
    private static ServerConfig.Listen listen(ConfigTree t) {
        HostPort listen = t.hostPort("listen", "0.0.0.0:8443", HostPort.Option.PORT_ZERO);
        return new ServerConfig.Listen(listen.host(), listen.port());
    }

    /** Checked as a long: an int cast first would wrap 4GiB into an accepted 0. */
    private static int maxScriptBytes(ConfigTree t) {
        long bytes = t.byteSize("checks.max_script_bytes", 64 * 1024);
        if (bytes < 1 || bytes > 1024L * 1024 * 1024) {
            throw t.invalid("checks.max_script_bytes", "must be between 1 and 1GiB");
        }
        return (int) bytes;
    }

    private static void validate(ServerConfig cfg, ConfigTree t) {
        ServerConfig.Heartbeat hb = cfg.heartbeat();
        if (hb.interval().compareTo(Duration.ofSeconds(1)) < 0 || hb.interval().compareTo(Duration.ofHours(1)) > 0) {
            throw t.invalid("heartbeat.interval", "must be between 1s and 1h");
        }
        if (cfg.results().maintenanceInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw t.invalid("results.maintenance_interval", "must be at least 1s");
        }
        if (hb.sweepInterval().isZero() || hb.flushInterval().isZero()) {
            throw t.invalid(hb.sweepInterval().isZero() ? "heartbeat.sweep_interval" : "heartbeat.flush_interval", "must be positive");
        }
        if (cfg.tokens().defaultTtl().compareTo(cfg.tokens().maxTtl()) > 0 || cfg.tokens().defaultTtl().isZero()) {
            throw t.invalid("bootstrap_tokens.default_ttl", "must be positive and not above bootstrap_tokens.max_ttl");
        }
        if (cfg.tokens().registrationRetryWindow().compareTo(Duration.ofHours(1)) > 0) {
            throw t.invalid("bootstrap_tokens.registration_retry_window", "must be between 0s and 1h");
        }
        HttpKeys.validate(cfg.http(), t);
        if (cfg.checks().interpreters().isEmpty()
                || cfg.checks().interpreters().stream().anyMatch(i -> !i.matches("[A-Za-z0-9._+-]{1,64}"))) {
            throw t.invalid("checks.interpreters", "must list interpreter names such as sh, bash, python3");
        }
        if (cfg.results().retention().compareTo(Duration.ofDays(1)) < 0) {
            throw t.invalid("results.retention", "must be at least 1d (history is kept in daily partitions)");
        }
        if (outside(cfg.audit().retention(), Duration.ofDays(1), Duration.ofDays(36_500))) {
            throw t.invalid("audit.retention", "must be between 1d and 36500d");
        }
        // At least 5m: the last use is written at most once a minute, so an idle timeout near that ends busy sessions.
        if (outside(cfg.sessions().idleTimeout(), Duration.ofMinutes(5), Duration.ofDays(1))) {
            throw t.invalid("sessions.idle_timeout", "must be between 5m and 1d");
        }
        if (outside(cfg.sessions().absoluteTimeout(), cfg.sessions().idleTimeout(), Duration.ofDays(30))) {
            throw t.invalid("sessions.absolute_timeout", "must be between sessions.idle_timeout and 30d");
        }
        if (outside(cfg.console().summaryMaxAge(), Duration.ZERO, Duration.ofMinutes(1))) {
            throw t.invalid("console.summary_max_age", "must be between 0s and 1m");
        }
        if (cfg.policy().maxWait().compareTo(Duration.ofSeconds(1)) < 0 || cfg.policy().maxWait().compareTo(Duration.ofMinutes(10)) > 0) {
            throw t.invalid("policy.max_wait", "must be between 1s and 10m");
        }
        if (cfg.adminToken() != null && cfg.adminToken().length() < 16) {
            throw t.invalid("admin_token", "must be at least 16 characters");
        }
        if (cfg.monitoringToken() != null && (cfg.monitoringToken().length() < 16 || cfg.monitoringToken().equals(cfg.adminToken()))) {
            throw t.invalid("monitoring_token", "must be at least 16 characters and differ from admin_token");
        }
        validateTls(cfg.tls(), t);
        validateCertificateGrace(cfg, t);
        if (cfg.policy().bundleTtl().compareTo(Duration.ofMinutes(5)) < 0) {
            throw t.invalid("policy.bundle_ttl", "must be at least 5m");
        }
    }

    /**
     * 64 handshakes per core: enough to keep every core busy when handshakes wait a round trip of a few
     * hundred milliseconds for the agent's answer, few enough that each admitted one finishes in
     * milliseconds on loopback (HandshakeLimit).
     */
    static int defaultMaxTlsHandshakes() {
        return 64 * Runtime.getRuntime().availableProcessors();
    }

    private static boolean outside(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 || d.compareTo(max) > 0;
    }

    private static void validateTls(ServerConfig.Tls tls, ConfigTree t) {
        if (!tls.protocols().contains("TLSv1.3") || !List.of("TLSv1.3", "TLSv1.2").containsAll(tls.protocols())) {
            throw t.invalid("tls.protocols", "must list TLSv1.3 and optionally TLSv1.2");
        }
        if ((tls.caCert() == null) != (tls.caKey() == null)) {
            throw t.invalid("tls.ca_cert", "give both tls.ca_cert and tls.ca_key, or neither");
        }
        if ((tls.cert() == null) != (tls.key() == null)) {
            throw t.invalid("tls.cert", "give both tls.cert and tls.key, or neither");
        }
        // Agents refuse a server certificate carrying an agent's name (AgentTlsNames), so it is refused here, at startup.
        tls.serverNames().stream().filter(AgentTlsNames::isAgentName).findFirst().ifPresent(n -> {
            throw t.invalid("tls.server_names", "'" + n + "' is an agent's name (" + AgentTlsNames.DOMAIN + " and the names"
                    + " under it belong to agents' certificates); agents refuse a server certificate that carries one");
        });
        if (tls.clientCertValidity().compareTo(Duration.ofHours(1)) < 0
                || tls.clientCertValidity().compareTo(Duration.ofDays(366)) > 0) {
            throw t.invalid("tls.client_cert_validity", "must be between 1h and 366d");
        }

    }

    /**
     * A connection the agent opened with its replaced certificate may carry a long poll begun just before
     * the renewal (up to policy.max_wait) and then idle until the server closes it (policy.max_wait + 60s,
     * see http.Connectors); every reuse within the grace is answered and the connection closed, so the
     * agent never meets its own replaced certificate refused. Longer than 1h would keep a copied
     * certificate alive for no benefit.
     */
    private static void validateCertificateGrace(ServerConfig cfg, ConfigTree t) {
        Duration least = cfg.policy().maxWait().multipliedBy(2).plusSeconds(60);
        Duration grace = cfg.tls().previousCertificateGrace();
        if (grace.compareTo(least) < 0 || grace.compareTo(Duration.ofHours(1)) > 0) {
            throw t.invalid("tls.previous_certificate_grace", "must be between 2 x policy.max_wait + 60s (here "
                    + least.toSeconds() + "s) and 1h");
        }
    }

    private static Path path(String s) {
        String v = Strings.blankToNull(s);
        return v == null ? null : Path.of(v);
    }
}
