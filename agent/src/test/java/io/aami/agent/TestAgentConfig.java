package io.aami.agent;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/** The configuration of a real agent under a test's temp dir, pointed at a test server. */
final class TestAgentConfig {
    private TestAgentConfig() {
    }

    /**
     * id file and state under {@code dir}, local API on a free port, scripts as nobody, retries at most 2s apart; TLS as the
     * caller adds. {@code dir} is made enterable by all, as /var/lib is: as root the agent runs scripts as 'nobody', who
     * must pass the JUnit temp dir (0700) on the way to the state dir.
     */
    static Map<String, String> env(Path dir, String serverAddress, String token) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("AAMI_SERVER_ADDRESS", serverAddress);
        env.put("AAMI_SERVER_BOOTSTRAP_TOKEN", token);
        env.put("AAMI_AGENT_ID_FILE", dir.resolve("agent-id").toString());
        env.put("AAMI_AGENT_STATE_DIR", dir.resolve("state").toString());
        env.put("AAMI_API_LISTEN", "127.0.0.1:0");
        env.put("AAMI_CHECKS_RUN_AS", "nobody");
        // Full-jitter backoff under the default 2m cap can sit out a test's whole patience after an outage.
        env.put("AAMI_SERVER_RETRY_MAX_INTERVAL", "2s");
        return env;
    }

    /** Plain HTTP to {@code 127.0.0.1:port}, results flushed every 200ms, policy long polls of 5s. */
    static AgentConfig plainAndQuick(Path dir, int port, String token) {
        Map<String, String> env = env(dir, "127.0.0.1:" + port, token);
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        quick(env);
        return AgentConfigLoader.load(null, env);
    }

    /** Results flushed every 200ms, policy long polls of 5s, so changes show within a test's patience. */
    static Map<String, String> quick(Map<String, String> env) {
        env.put("AAMI_CHECKS_FLUSH_INTERVAL", "200ms");
        env.put("AAMI_POLICY_WAIT", "5s");
        return env;
    }
}
