package io.aami.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The agent's whole configuration ({@code /etc/aami/agent.yaml} in the seed's shape), immutable,
 * built once by {@link AgentConfigLoader} (defaults &lt; YAML file &lt; {@code AAMI_*} environment).
 */
public record AgentConfig(Server server, Agent agent, Heartbeat heartbeat, Checks checks, Spool spool, Probes probes,
                          Policy policy, Api api, Logging logging, Discovery discovery,
                          DiscoveryReport discoveryReport) {

    /**
     * {@code host:port} of the config-server; {@code bootstrapToken} or the file holding it is
     * needed only until the agent has its own credential. {@code retryMaxInterval} caps the jittered
     * backoff of every loop that talks to the server. {@code reenrollAfter}: the server must reject the
     * credential {@link io.aami.agent.enrollment.ReenrollmentRule#REJECTIONS} times in a row over at
     * least this long before the agent enrolls again (one 401 from whoever answers proves nothing).
     * {@code addresses}: every replica the agent may use ({@code server.addresses}, or the one
     * {@code server.address}); {@code host}/{@code port} are the first of them.
     */
    public record Server(String host, int port, String bootstrapToken, Path bootstrapTokenFile, Tls tls,
                         Duration retryMaxInterval, Duration reenrollAfter,
                         java.util.List<io.aami.common.net.HostPort> addresses) {
        public Server {
            addresses = addresses == null || addresses.isEmpty()
                    ? java.util.List.of(new io.aami.common.net.HostPort(host, port)) : java.util.List.copyOf(addresses);
        }

        public String address() {
            return new io.aami.common.net.HostPort(host, port).toString();
        }

        /** {@code preferred}, or the configured cap when that is shorter. */
        public Duration retryCap(Duration preferred) {
            return preferred.compareTo(retryMaxInterval) <= 0 ? preferred : retryMaxInterval;
        }
    }

    /** {@code enabled} false means plain HTTP (a TLS-terminating proxy, or the quick start). */
    public record Tls(boolean enabled, Path caCert, String caCertSha256, Path clientCert, Path clientKey) {
    }

    /** Empty hostname or IP means auto-detect. */
    public record Agent(Path idFile, String hostname, String ipAddress, Map<String, String> labels, UUID groupId,
                        Path stateDir) {
    }

    public record Heartbeat(Duration interval, Duration timeout) {
    }

    /**
     * Check execution and delivery: at most {@code maxConcurrent} scripts at once; results go out
     * in batches of up to {@code resultBufferSize} or every {@code flushInterval}; each result keeps
     * at most {@code outputMaxBytes} of output. When the agent runs as root, scripts run as {@code runAs}.
     * A script runs only if its interpreter is in {@code allowedInterpreters} and it is allow-listed
     * (its execution digest in {@code allowedExecutionSha256}, or no args, no env and its script's
     * SHA-256 in {@code allowedScriptSha256}) — or both lists are empty and {@code remoteScripts} is true.
     * {@code containment}: {@code auto} (a cgroup per run where the host offers one, else rlimits),
     * {@code cgroup} (no usable cgroup is a startup error) or {@code rlimit}. {@code runHelper}: the
     * one-exec sandbox helper {@code aami-run}, null when runs are never to use it.
     */
    public record Checks(Duration defaultTimeout, int maxConcurrent, int resultBufferSize, Duration flushInterval,
                         int outputMaxBytes, String runAs, java.util.List<String> allowedInterpreters,
                         java.util.List<String> allowedScriptSha256, java.util.List<String> allowedExecutionSha256,
                         boolean remoteScripts, java.nio.file.Path workDir, String containment,
                         java.nio.file.Path runHelper) {
        /** Whether any check is locally allow-listed (else, with remote scripts off, none runs). */
        public boolean hasAllowList() {
            return !allowedScriptSha256.isEmpty() || !allowedExecutionSha256.isEmpty();
        }
    }

    /**
     * The on-disk result spool: at most {@code maxBytes} (oldest segment dropped beyond), segments of
     * {@code segmentBytes}, fsync {@code always}, every {@code fsyncInterval} ({@code interval}) or {@code never}.
     */
    public record Spool(long maxBytes, long segmentBytes, String fsync, Duration fsyncInterval) {
    }

    /** The probe engine: at most {@code maxInFlight} probes at once; {@code maxTaskIds} task series on /metrics. */
    public record Probes(int maxInFlight, int maxTaskIds) {
    }

    /** How long one policy long poll waits for a change. */
    public record Policy(Duration longPollWait) {
    }

    /**
     * The local API; {@code host} null means disabled. {@code token} ({@code api.token} or {@code api.token_file})
     * authorizes every route, {@code metricsToken} ({@code api.metrics_token_file}) only {@code GET /metrics}; either
     * may be null. A non-loopback host requires {@code token}. {@code allowPrivilegedSourcePorts} lets callers probe
     * from source ports below 1024.
     */
    public record Api(String host, int port, ApiToken token, ApiToken metricsToken, boolean allowPrivilegedSourcePorts,
                      ApiTls tls) {
        public Api {
            tls = tls == null ? ApiTls.OFF : tls;
        }

        /** An API without a metrics token that refuses privileged source ports (the default); {@code token} may be null. */
        public Api(String host, int port, String token) {
            this(host, port, token == null ? null : ApiToken.of(token), null, false, ApiTls.OFF);
        }

        /** Plain HTTP. */
        public Api(String host, int port, ApiToken token, ApiToken metricsToken, boolean allowPrivilegedSourcePorts) {
            this(host, port, token, metricsToken, allowPrivilegedSourcePorts, ApiTls.OFF);
        }

        /** This API with {@code replacement} as its TLS settings. */
        public Api withTls(ApiTls replacement) {
            return new Api(host, port, token, metricsToken, allowPrivilegedSourcePorts, replacement);
        }

        public boolean enabled() {
            return host != null;
        }
    }

    /**
     * {@code api.tls}: when {@code enabled}, the local API speaks HTTPS only (TLS 1.2+), presenting {@code certFile}
     * with {@code keyFile} (by default the agent's own certificate and key, re-read when renewal replaces them); with a
     * {@code clientCaFile}, a client must present a certificate that CA signed or the handshake fails.
     * {@code agentCertificate}: the pair is the agent's own (no {@code api.tls.cert_file}), whose names are
     * {@code agent.aami.internal} and {@code <agent id>.agent.aami.internal}.
     */
    public record ApiTls(boolean enabled, Path certFile, Path keyFile, Path clientCaFile, boolean agentCertificate) {
        public static final ApiTls OFF = new ApiTls(false, null, null, null, false);

        /** An operator's own pair ({@code api.tls.cert_file}). */
        public ApiTls(boolean enabled, Path certFile, Path keyFile, Path clientCaFile) {
            this(enabled, certFile, keyFile, clientCaFile, false);
        }
    }

    public record Logging(String level, String format) {
    }

    /**
     * Host discovery: a scan of {@code procRoot}'s socket tables and process descriptors every {@code interval}
     * (off when not {@code enabled}); on {@code /metrics} each process keeps its {@code maxRemotesPerProcess} largest
     * remote endpoints (the rest summed as {@code other}) and the {@code maxProcesses} processes with the most
     * connections their own series (the rest summed as process {@code other}); the socket tables of at most
     * {@code maxNamespaces} other network namespaces (containers) are read a scan.
     */
    public record Discovery(boolean enabled, Duration interval, int maxRemotesPerProcess, int maxProcesses, Path procRoot,
                            int maxNamespaces) {
    }

    /**
     * {@code discovery.report.*}: a summary of each discovery scan goes to the server (when {@code enabled} and discovery
     * is): only what changed since the last one sent, and the whole picture every {@code fullInterval}; connection
     * states are sent per process and remote for counts of at least {@code stateMinCount}.
     */
    public record DiscoveryReport(boolean enabled, Duration fullInterval, int stateMinCount) {
    }

    /** This configuration with {@code api} instead of its own. */
    public AgentConfig withApi(Api replacement) {
        return new AgentConfig(server, agent, heartbeat, checks, spool, probes, policy, replacement, logging, discovery,
                discoveryReport);
    }

    /** Where the agent keeps its credential. */
    public Path credentialsFile() {
        return agent.stateDir().resolve("credentials.json");
    }

    /** The key and agent token of an enrollment under way, kept until its answer is stored. */
    public Path pendingEnrollmentFile() {
        return agent.stateDir().resolve("enrollment.json");
    }

    /** Where the last accepted policy bundle is kept, so a restart runs it before reaching the server. */
    /** The policy-signing key pinned at the first enrollment (moved only by signed rotations). */
    public Path policyKeyFile() {
        return agent.stateDir().resolve("policy-key.json");
    }

    public Path policyFile() {
        return agent.stateDir().resolve("policy.json");
    }

    public Path spoolDir() {
        return agent.stateDir().resolve("spool");
    }
}
