package io.aami.agent.config;

import io.aami.common.config.ConfigException;
import io.aami.common.config.ConfigTree;
import io.aami.common.net.HostPort;
import io.aami.common.text.Strings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds and validates {@link AgentConfig}; any problem is a {@link ConfigException} naming the key. */
public final class AgentConfigLoader {
    /**
     * The local API port: outside Prometheus's exporter range 9100-9999 (fully allocated; 9100 is
     * node_exporter) and clear of Zabbix (10050), Sensu (3031), Consul (8500) and the usual 8080/8443.
     */
    public static final int DEFAULT_API_PORT = 8469;

    private AgentConfigLoader() {
    }

    /** The configuration plus warnings to log once logging is up. */
    public record Loaded(AgentConfig config, List<String> warnings) {
    }

    public static AgentConfig load(Path file, Map<String, String> env) {
        return loadWithWarnings(file, env).config();
    }

    public static Loaded loadWithWarnings(Path file, Map<String, String> env) {
        ConfigTree t = ConfigTree.load(file, env, Map.of());
        List<HostPort> servers = ServerAddresses.read(t);
        HostPort server = servers.get(0);
        ApiConfig api = ApiConfig.read(t, DEFAULT_API_PORT);
        ApiTlsConfig apiTls = ApiTlsConfig.read(t);
        Path stateDir = Path.of(t.string("agent.state_dir", "/var/lib/aami")).toAbsolutePath().normalize();
        AgentConfig cfg = new AgentConfig(
                new AgentConfig.Server(server.host(), server.port(),
                        Strings.trimToNull(t.string("server.bootstrap_token", null)),
                        path(t.string("server.bootstrap_token_file", null)),
                        new AgentConfig.Tls(t.bool("server.tls.enabled", true),
                                path(t.string("server.tls.ca_cert", null)),
                                Strings.trimToNull(t.string("server.tls.ca_cert_sha256", null)),
                                Path.of(t.string("server.tls.client_cert", stateDir.resolve("agent.crt").toString())),
                                Path.of(t.string("server.tls.client_key", stateDir.resolve("agent.key").toString()))),
                        t.duration("server.retry_max_interval", Duration.ofMinutes(2)),
                        t.duration("server.reenroll_after", Duration.ofMinutes(10)),
                        servers),
                new AgentConfig.Agent(
                        Path.of(t.string("agent.id_file", "/etc/aami/agent-id")),
                        t.string("agent.hostname", ""),
                        t.string("agent.ip_address", ""),
                        t.stringMap("agent.labels"),
                        groupId(t),
                        stateDir),
                new AgentConfig.Heartbeat(
                        t.duration("heartbeat.interval", Duration.ofSeconds(30)),
                        t.duration("heartbeat.timeout", Duration.ofSeconds(10))),
                new AgentConfig.Checks(
                        t.duration("checks.default_timeout", Duration.ofSeconds(30)),
                        t.integer("checks.max_concurrent", 10, 1, 1000),
                        t.integer("checks.result_buffer_size", 1000, 1, 100_000),
                        t.duration("checks.flush_interval", Duration.ofSeconds(5)),
                        outputMaxBytes(t),
                        t.string("checks.run_as", "aami"),
                        t.stringList("checks.allowed_interpreters", List.of("sh", "bash", "python3")),
                        hashes(t, "checks.allowed_script_sha256"),
                        hashes(t, "checks.allowed_execution_sha256"),
                        t.bool("checks.remote_scripts", true),
                        // Where scripts and their working dirs live: the run-as user must be able to enter it.
                        Path.of(t.string("checks.work_dir", defaultWorkDir(stateDir).toString())).toAbsolutePath().normalize(),
                        t.choice("checks.containment", "auto", "auto", "cgroup", "rlimit"),
                        runHelper(t)),
                new AgentConfig.Spool(
                        t.byteSize("spool.max_bytes", 64L * 1024 * 1024),
                        t.byteSize("spool.segment_bytes", 1024L * 1024),
                        t.choice("spool.fsync", "interval", "always", "interval", "never"),
                        t.duration("spool.fsync_interval", Duration.ofSeconds(1))),
                new AgentConfig.Probes(
                        t.integer("probes.max_in_flight", 4096, 1, 65_536),
                        t.integer("probes.max_task_ids", 10_000, 1, 1_000_000)),
                new AgentConfig.Policy(t.duration("policy.wait", Duration.ofSeconds(30))),
                // The token files are read, and the API's rules checked, once every key is known: see resolve below.
                new AgentConfig.Api(null, 0, null),
                new AgentConfig.Logging(
                        t.choice("logging.level", "info", "trace", "debug", "info", "warn", "error"),
                        t.choice("logging.format", "json", "json", "text")),
                new AgentConfig.Discovery(
                        t.bool("discovery.enabled", true),
                        t.duration("discovery.interval", Duration.ofSeconds(30)),
                        t.integer("discovery.max_remotes_per_process", 50, 1, 10_000),
                        t.integer("discovery.max_processes", 200, 1, 10_000),
                        Path.of(t.string("discovery.proc_root", "/proc")).toAbsolutePath().normalize(),
                        t.integer("discovery.max_namespaces", 256, 0, 4096)),
                new AgentConfig.DiscoveryReport(
                        t.bool("discovery.report.enabled", true),
                        t.duration("discovery.report.full_interval", Duration.ofMinutes(10)),
                        t.integer("discovery.report.state_min_count", 5, 1, 1_000_000)));
        t.finish();
        validate(cfg, t);
        cfg = cfg.withApi(api.resolve(t, ApiConfig.processUid()).withTls(apiTls.resolve(t, cfg.server().tls())));
        List<String> warnings = new java.util.ArrayList<>(t.unusedEnvironmentWarnings("agent"));
        api.inlineTokenWarning(file, env).ifPresent(warnings::add);
        if (!cfg.checks().remoteScripts() && !cfg.checks().hasAllowList()) {
            // A valid choice (a probes-only host), but one that silently turns every check into "unknown".
            warnings.add("checks.remote_scripts is false and neither checks.allowed_execution_sha256 nor"
                    + " checks.allowed_script_sha256 lists anything: this agent runs no checks at all, every check it is sent"
                    + " reports unknown");
        }
        return new Loaded(cfg, List.copyOf(warnings));
    }

    /** A list of SHA-256 values, trimmed and in lower case (validated in {@link #validate}). */
    private static List<String> hashes(ConfigTree t, String key) {
        return t.stringList(key, List.of()).stream().map(s -> s.trim().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    private static void validate(AgentConfig cfg, ConfigTree t) {
        if (cfg.heartbeat().interval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw t.invalid("heartbeat.interval", "must be at least 1s");
        }
        if (cfg.heartbeat().timeout().isZero() || cfg.heartbeat().timeout().compareTo(Duration.ofMinutes(5)) > 0) {
            throw t.invalid("heartbeat.timeout", "must be between 1ms and 5m");
        }
        if (cfg.checks().defaultTimeout().isZero() || cfg.checks().flushInterval().isZero()) {
            throw t.invalid(cfg.checks().defaultTimeout().isZero() ? "checks.default_timeout" : "checks.flush_interval",
                    "must be positive");
        }
        if (cfg.checks().outputMaxBytes() < 256 || cfg.checks().outputMaxBytes() > 1024 * 1024) {
            throw t.invalid("checks.output_max_bytes", "must be between 256 and 1MiB");
        }
        if (cfg.checks().allowedScriptSha256().stream().anyMatch(h -> !h.matches("[0-9a-f]{64}"))) {
            throw t.invalid("checks.allowed_script_sha256", "must list 64-hex-digit SHA-256 values");
        }
        if (cfg.checks().allowedExecutionSha256().stream().anyMatch(h -> !h.matches("[0-9a-f]{64}"))) {
            throw t.invalid("checks.allowed_execution_sha256", "must list 64-hex-digit SHA-256 values (the execution_sha256"
                    + " the server shows on each check)");
        }
        if (!cfg.checks().runAs().matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw t.invalid("checks.run_as", "'" + cfg.checks().runAs() + "' is not a user name");
        }
        validateSpool(cfg.spool(), cfg.checks().outputMaxBytes(), t);
        if (cfg.server().retryMaxInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw t.invalid("server.retry_max_interval", "must be at least 1s");
        }
        if (cfg.server().reenrollAfter().compareTo(Duration.ofSeconds(1)) < 0) {
            throw t.invalid("server.reenroll_after", "must be at least 1s");
        }
        if (cfg.policy().longPollWait().compareTo(Duration.ofSeconds(1)) < 0 || cfg.policy().longPollWait().compareTo(Duration.ofMinutes(5)) > 0) {
            throw t.invalid("policy.wait", "must be between 1s and 5m");
        }
        validateTls(cfg.server().tls(), t);
        if (cfg.discovery().interval().compareTo(Duration.ofSeconds(1)) < 0 || cfg.discovery().interval().compareTo(Duration.ofHours(1)) > 0) {
            throw t.invalid("discovery.interval", "must be between 1s and 1h");
        }
        Duration full = cfg.discoveryReport().fullInterval();
        if (full.compareTo(Duration.ofMinutes(1)) < 0 || full.compareTo(Duration.ofDays(1)) > 0 || full.compareTo(cfg.discovery().interval()) < 0) {
            throw t.invalid("discovery.report.full_interval", "must be between 1m and 24h and not below discovery.interval");
        }
    }

    private static void validateSpool(AgentConfig.Spool spool, int outputMaxBytes, ConfigTree t) {
        // A result's JSON (output plus envelope) must fit one spool record.
        if (spool.segmentBytes() < outputMaxBytes + 16 * 1024) {
            throw t.invalid("spool.segment_bytes", "must exceed checks.output_max_bytes by at least 16KiB");
        }
        // Segments are at least 16KiB (the rule above), so two of them are the only floor max_bytes needs.
        if (spool.maxBytes() < 2 * spool.segmentBytes()) {
            throw t.invalid("spool.max_bytes", "must hold at least two segments of spool.segment_bytes");
        }
        // The last two are what SpoolOptions would otherwise refuse at startup without naming the key.
        if (spool.segmentBytes() > 1024L * 1024 * 1024) {
            throw t.invalid("spool.segment_bytes", "must be at most 1GiB");
        }
        if (spool.fsyncInterval().isZero()) {
            throw t.invalid("spool.fsync_interval", "must be positive");
        }
    }

    private static void validateTls(AgentConfig.Tls tls, ConfigTree t) {
        if (tls.enabled() && tls.caCert() == null && tls.caCertSha256() == null) {
            throw t.invalid("server.tls.ca_cert", "with TLS on, set server.tls.ca_cert (a PEM file) or server.tls.ca_cert_sha256"
                    + " (the pin the server logs and install-agent.sh prints) so the agent knows which CA to trust");
        }
        if (tls.caCertSha256() != null) {
            try {
                io.aami.common.pki.Pem.parsePin(tls.caCertSha256());
            } catch (io.aami.common.pki.PkiException e) {
                throw t.invalid("server.tls.ca_cert_sha256", "must be the 64 hex digits of the CA certificate's SHA-256"
                        + " (optionally prefixed sha256:)");
            }
        }
    }

    /**
     * Clamped, not cast: a cast would wrap 4GiB+4KiB into an accepted 4096. The range is checked in
     * {@link #validate}, in its place among the other rules (after unknown keys).
     */
    private static int outputMaxBytes(ConfigTree t) {
        return (int) Math.min(t.byteSize("checks.output_max_bytes", 4096), Integer.MAX_VALUE);
    }

    /**
     * {@code checks.run_helper}: an absolute path, or {@code off} for never (an empty {@code AAMI_*}
     * variable means unset); by default the packages' path, which the sandbox uses only when it is
     * installed there.
     */
    private static Path runHelper(ConfigTree t) {
        String v = t.string("checks.run_helper", "/usr/libexec/aami/aami-run");
        if (v.equals("off")) {
            return null;
        }
        if (!v.startsWith("/") || v.indexOf('\0') >= 0) {
            throw t.invalid("checks.run_helper", "must be an absolute path or off, got '" + v + "'");
        }
        return Path.of(v).normalize();
    }

    /**
     * {@code <state_dir>-checks} ({@code /var/lib/aami-checks}): a sibling, not the state dir itself nor a child
     * of it, because the run-as user must enter the work dir while the state dir (key, credentials) stays 0700.
     */
    static Path defaultWorkDir(Path stateDir) {
        Path name = stateDir.getFileName();
        return name == null ? stateDir.resolve("checks") : stateDir.resolveSibling(name + "-checks");
    }

    private static UUID groupId(ConfigTree t) {
        String v = t.string("agent.group_id", "");
        if (v.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(v.trim());
        } catch (IllegalArgumentException e) {
            throw t.invalid("agent.group_id", "'" + v + "' is not a UUID");
        }
    }

    private static Path path(String s) {
        String v = Strings.blankToNull(s);
        return v == null ? null : Path.of(v);
    }
}
