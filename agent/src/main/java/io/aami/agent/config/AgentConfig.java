package io.aami.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The agent's whole configuration ({@code /etc/aami/agent.yaml} in the seed's shape), immutable,
 * built once by {@link AgentConfigLoader} (defaults &lt; YAML file &lt; {@code AAMI_*} environment).
 */
public record AgentConfig(Server server, Agent agent, Heartbeat heartbeat, Checks checks, Api api, Logging logging) {

    /**
     * {@code host:port} of the config-server; {@code bootstrapToken} or the file holding it is
     * needed only until the agent has its own credential.
     */
    public record Server(String host, int port, String bootstrapToken, Path bootstrapTokenFile, Tls tls) {
        public String address() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
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

    public record Checks(Duration defaultTimeout, int maxConcurrent, int resultBufferSize, Duration flushInterval) {
    }

    /** The local API; {@code host} null means disabled. A non-loopback host requires {@code token}. */
    public record Api(String host, int port, String token) {
        public boolean enabled() {
            return host != null;
        }
    }

    public record Logging(String level, String format) {
    }

    /** Where the agent keeps its credential. */
    public Path credentialsFile() {
        return agent.stateDir().resolve("credentials.json");
    }
}
