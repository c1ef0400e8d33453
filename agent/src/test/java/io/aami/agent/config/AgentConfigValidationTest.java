package io.aami.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every validation rule of {@link AgentConfigLoader} as a table: what is set (environment or YAML) and the
 * key and problem the startup error names. Rows are grouped in the loader's order.
 */
class AgentConfigValidationTest {
    /** A loadable agent without a file: everything else is at its default. */
    static final Map<String, String> BASE = Map.of("AAMI_SERVER_ADDRESS", "127.0.0.1:8443", "AAMI_SERVER_TLS_ENABLED", "false");
    static final String HEX = "ab".repeat(32);

    @TempDir
    Path dir;

    /** {@code AAMI_A=1;AAMI_B=2} over {@link #BASE}; an empty value leaves the key unset. */
    static Map<String, String> env(String overrides) {
        Map<String, String> env = new HashMap<>(BASE);
        for (String pair : overrides.split(";")) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return env;
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // server.address: required, host:port, port 1..65535
            "AAMI_SERVER_ADDRESS=                         | server.address | is required (host:port of the config-server)",
            "\"AAMI_SERVER_ADDRESS=  \t\"                 | server.address | is required (host:port of the config-server)",
            "AAMI_SERVER_ADDRESS=no-port                  | server.address | 'no-port' is not host:port",
            "AAMI_SERVER_ADDRESS=:8443                    | server.address | ':8443' is not host:port (the host is empty",
            "AAMI_SERVER_ADDRESS=[]:8443                  | server.address | '[]:8443' is not host:port (the host is empty",
            "AAMI_SERVER_ADDRESS=::1:8443                 | server.address | '::1:8443' is not host:port (write an IPv6 address in brackets",
            "AAMI_SERVER_ADDRESS=[::1:8443                | server.address | '[::1:8443' is not host:port",
            "AAMI_SERVER_ADDRESS=host:                    | server.address | 'host:' does not end in a port number",
            "AAMI_SERVER_ADDRESS=host:https               | server.address | 'host:https' does not end in a port number",
            "AAMI_SERVER_ADDRESS=host:0                   | server.address | port 0 is outside 1..65535",
            "AAMI_SERVER_ADDRESS=host:65536               | server.address | port 65536 is outside 1..65535",
            // server.addresses: instead of server.address, each entry as server.address, no repeats
            "AAMI_SERVER_ADDRESSES=a:8443,b:8443          | server.addresses | set server.address (one server) or server.addresses (several), not both",
            "AAMI_SERVER_ADDRESS=;AAMI_SERVER_ADDRESSES=a:8443,no-port | server.addresses | 'no-port' is not host:port",
            "AAMI_SERVER_ADDRESS=;AAMI_SERVER_ADDRESSES=a:8443,b:0 | server.addresses | port 0 is outside 1..65535",
            "AAMI_SERVER_ADDRESS=;AAMI_SERVER_ADDRESSES=a:8443,a:8443 | server.addresses | lists a:8443 twice",
            "AAMI_SERVER_ADDRESS=;AAMI_SERVER_ADDRESSES=, | server.address | is required (host:port of the config-server)",
            // server.tls and the retry rules
            "AAMI_SERVER_TLS_ENABLED=maybe                | server.tls.enabled | 'maybe' is not one of on, off, true, false",
            "AAMI_SERVER_TLS_ENABLED=true                 | server.tls.ca_cert | with TLS on, set server.tls.ca_cert (a PEM file) or server.tls.ca_cert_sha256",
            "AAMI_SERVER_TLS_CA_CERT_SHA256=abc           | server.tls.ca_cert_sha256 | must be the 64 hex digits of the CA certificate's SHA-256",
            "AAMI_SERVER_RETRY_MAX_INTERVAL=999ms         | server.retry_max_interval | must be at least 1s",
            "AAMI_SERVER_RETRY_MAX_INTERVAL=soon          | server.retry_max_interval | 'soon' is not a duration like 500ms",
            "AAMI_SERVER_REENROLL_AFTER=999ms             | server.reenroll_after | must be at least 1s",
            // agent
            "AAMI_AGENT_GROUP_ID=web                      | agent.group_id | 'web' is not a UUID",
            "AAMI_AGENT_LABELS=env=prod,novalue           | agent.labels | 'novalue' is not name=value",
            // heartbeat
            "AAMI_HEARTBEAT_INTERVAL=999ms                | heartbeat.interval | must be at least 1s",
            "AAMI_HEARTBEAT_INTERVAL=30                   | heartbeat.interval | '30' is not a duration",
            "AAMI_HEARTBEAT_TIMEOUT=0s                    | heartbeat.timeout | must be between 1ms and 5m",
            "AAMI_HEARTBEAT_TIMEOUT=5m1ms                 | heartbeat.timeout | must be between 1ms and 5m",
            // checks
            "AAMI_CHECKS_DEFAULT_TIMEOUT=0s               | checks.default_timeout | must be positive",
            "AAMI_CHECKS_FLUSH_INTERVAL=0s                | checks.flush_interval | must be positive",
            "AAMI_CHECKS_MAX_CONCURRENT=0                 | checks.max_concurrent | 0 is outside the allowed range 1..1000",
            "AAMI_CHECKS_MAX_CONCURRENT=1001              | checks.max_concurrent | 1001 is outside the allowed range 1..1000",
            "AAMI_CHECKS_MAX_CONCURRENT=many              | checks.max_concurrent | 'many' is not a whole number",
            "AAMI_CHECKS_RESULT_BUFFER_SIZE=0             | checks.result_buffer_size | 0 is outside the allowed range 1..100000",
            "AAMI_CHECKS_RESULT_BUFFER_SIZE=100001        | checks.result_buffer_size | 100001 is outside the allowed range 1..100000",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=255             | checks.output_max_bytes | must be between 256 and 1MiB",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=1048577         | checks.output_max_bytes | must be between 256 and 1MiB",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=4294971392      | checks.output_max_bytes | must be between 256 and 1MiB",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=lots            | checks.output_max_bytes | 'lots' is not a size",
            "AAMI_CHECKS_ALLOWED_SCRIPT_SHA256=abc        | checks.allowed_script_sha256 | must list 64-hex-digit SHA-256 values",
            "AAMI_CHECKS_ALLOWED_EXECUTION_SHA256=abc     | checks.allowed_execution_sha256 | must list 64-hex-digit SHA-256 values (the execution_sha256",
            "AAMI_CHECKS_RUN_AS=Root                      | checks.run_as | 'Root' is not a user name",
            "AAMI_CHECKS_RUN_AS=a-very-long-user-name-of-33-chars | checks.run_as | is not a user name",
            "AAMI_CHECKS_REMOTE_SCRIPTS=maybe             | checks.remote_scripts | 'maybe' is not one of on, off, true, false",
            "AAMI_CHECKS_CONTAINMENT=none                 | checks.containment | 'none' is not one of auto, cgroup, rlimit",
            "AAMI_CHECKS_RUN_HELPER=aami-run              | checks.run_helper | must be an absolute path or off",
            // spool
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=4096;AAMI_SPOOL_SEGMENT_BYTES=20479 | spool.segment_bytes | must exceed checks.output_max_bytes by at least 16KiB",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=1MiB            | spool.segment_bytes | must exceed checks.output_max_bytes by at least 16KiB",
            "AAMI_SPOOL_SEGMENT_BYTES=2GiB;AAMI_SPOOL_MAX_BYTES=8GiB | spool.segment_bytes | must be at most 1GiB",
            "AAMI_SPOOL_SEGMENT_BYTES=big                 | spool.segment_bytes | 'big' is not a size",
            "AAMI_SPOOL_MAX_BYTES=2097151                 | spool.max_bytes | must hold at least two segments of spool.segment_bytes",
            "AAMI_SPOOL_SEGMENT_BYTES=33MiB               | spool.max_bytes | must hold at least two segments of spool.segment_bytes",
            "AAMI_SPOOL_FSYNC=sometimes                   | spool.fsync | 'sometimes' is not one of always, interval, never",
            "AAMI_SPOOL_FSYNC_INTERVAL=0s                 | spool.fsync_interval | must be positive",
            // probes, policy
            "AAMI_PROBES_MAX_IN_FLIGHT=0                  | probes.max_in_flight | 0 is outside the allowed range 1..65536",
            "AAMI_PROBES_MAX_IN_FLIGHT=65537              | probes.max_in_flight | 65537 is outside the allowed range 1..65536",
            "AAMI_PROBES_MAX_TASK_IDS=0                   | probes.max_task_ids | 0 is outside the allowed range 1..1000000",
            "AAMI_PROBES_MAX_TASK_IDS=1000001             | probes.max_task_ids | 1000001 is outside the allowed range 1..1000000",
            "AAMI_POLICY_WAIT=999ms                       | policy.wait | must be between 1s and 5m",
            "AAMI_POLICY_WAIT=5m1ms                       | policy.wait | must be between 1s and 5m",
            // api: host:port with port 0..65535, loopback unless a token is set
            "AAMI_API_LISTEN=127.0.0.1                    | api.listen | '127.0.0.1' is not host:port",
            "AAMI_API_LISTEN=:8469                        | api.listen | ':8469' is not host:port (the host is empty",
            "AAMI_API_LISTEN=127.0.0.1:65536              | api.listen | port 65536 is outside 0..65535",
            "AAMI_API_LISTEN=0.0.0.0:8469                 | api.listen | 0.0.0.0 is not a loopback address; the local API can make this host connect anywhere, so set api.token",
            "AAMI_API_LISTEN=[::]:8469                    | api.listen | :: is not a loopback address",
            "\"AAMI_API_LISTEN=0.0.0.0:8469;AAMI_API_TOKEN= \t\" | api.listen | 0.0.0.0 is not a loopback address",
            "AAMI_API_ALLOW_PRIVILEGED_SOURCE_PORTS=80    | api.allow_privileged_source_ports | '80' is not one of on, off, true, false",
            // api.token_file, api.metrics_token_file: files that are not there (the rest in tokenFileRefusedNamingTheKey)
            "AAMI_API_TOKEN_FILE=/nonexistent/aami-api-token | api.token_file | /nonexistent/aami-api-token does not exist",
            "AAMI_API_METRICS_TOKEN_FILE=/nonexistent/aami-metrics | api.metrics_token_file | /nonexistent/aami-metrics does not exist",
            "AAMI_API_TOKEN=s3cret;AAMI_API_TOKEN_FILE=/nonexistent/aami-api-token | api.token_file | set api.token or api.token_file, not both",
            // api.tls: files only with TLS on, the pair together, the agent's own pair only with server TLS (the rest in apiTlsFileRefusedNamingTheKey)
            "AAMI_API_TLS_ENABLED=maybe                   | api.tls.enabled | 'maybe' is not one of on, off, true, false",
            "AAMI_API_TLS_CLIENT_CA_FILE=/etc/ssl/ca.pem  | api.tls.client_ca_file | is set but api.tls.enabled is false: the local API would serve plain HTTP",
            "AAMI_API_TLS_CERT_FILE=/etc/ssl/api.crt      | api.tls.cert_file | is set but api.tls.enabled is false",
            "AAMI_API_TLS_ENABLED=true                    | api.tls.cert_file | server.tls.enabled is false, so the agent has no certificate of its own to present",
            "AAMI_API_TLS_ENABLED=true;AAMI_API_TLS_CERT_FILE=/etc/ssl/api.crt | api.tls.key_file | set api.tls.cert_file and api.tls.key_file together",
            "AAMI_API_TLS_ENABLED=true;AAMI_API_TLS_KEY_FILE=/etc/ssl/api.key | api.tls.cert_file | set api.tls.cert_file and api.tls.key_file together",
            "AAMI_API_TLS_ENABLED=true;AAMI_API_TLS_CERT_FILE=/nonexistent/api.crt;AAMI_API_TLS_KEY_FILE=/nonexistent/api.key | api.tls.cert_file | cannot read certificates from /nonexistent/api.crt: no such file",
            // discovery
            "AAMI_DISCOVERY_ENABLED=maybe                 | discovery.enabled | 'maybe' is not one of on, off, true, false",
            "AAMI_DISCOVERY_INTERVAL=999ms                | discovery.interval | must be between 1s and 1h",
            "AAMI_DISCOVERY_INTERVAL=1h1s                 | discovery.interval | must be between 1s and 1h",
            "AAMI_DISCOVERY_MAX_REMOTES_PER_PROCESS=0     | discovery.max_remotes_per_process | 0 is outside the allowed range 1..10000",
            "AAMI_DISCOVERY_MAX_REMOTES_PER_PROCESS=10001 | discovery.max_remotes_per_process | 10001 is outside the allowed range 1..10000",
            "AAMI_DISCOVERY_MAX_PROCESSES=0               | discovery.max_processes | 0 is outside the allowed range 1..10000",
            "AAMI_DISCOVERY_MAX_NAMESPACES=-1             | discovery.max_namespaces | -1 is outside the allowed range 0..4096",
            "AAMI_DISCOVERY_MAX_NAMESPACES=4097           | discovery.max_namespaces | 4097 is outside the allowed range 0..4096",
            // discovery.report
            "AAMI_DISCOVERY_REPORT_ENABLED=sometimes       | discovery.report.enabled | 'sometimes' is not one of on, off, true, false",
            "AAMI_DISCOVERY_REPORT_FULL_INTERVAL=59s       | discovery.report.full_interval | must be between 1m and 24h",
            "AAMI_DISCOVERY_REPORT_FULL_INTERVAL=25h       | discovery.report.full_interval | must be between 1m and 24h",
            "AAMI_DISCOVERY_INTERVAL=30m;AAMI_DISCOVERY_REPORT_FULL_INTERVAL=10m | discovery.report.full_interval | not below discovery.interval",
            "AAMI_DISCOVERY_REPORT_STATE_MIN_COUNT=0       | discovery.report.state_min_count | 0 is outside the allowed range 1..1000000",
            // logging
            "AAMI_LOGGING_LEVEL=loud                      | logging.level | 'loud' is not one of trace, debug, info, warn, error",
            "AAMI_LOGGING_FORMAT=xml                      | logging.format | 'xml' is not one of json, text"})
    void environmentValueRefusedNamingTheKey(String overrides, String key, String problem) {
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env(overrides))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "policy: {wait: 10m}                              | policy.wait | must be between 1s and 5m",
            "checks: {output_max_bytes: 100}                  | checks.output_max_bytes | must be between 256 and 1MiB",
            "spool: {segment_bytes: 4KiB}                     | spool.segment_bytes | must exceed checks.output_max_bytes by at least 16KiB",
            "spool: {max_bytes: 1MiB}                         | spool.max_bytes | must hold at least two segments",
            "api: {listen: '127.0.0.1:8469:1'}                | api.listen | '127.0.0.1:8469:1' is not host:port (write an IPv6 address in brackets",
            "heartbeat: {interval: [1s, 2s]}                  | heartbeat.interval | expected a single value, not a list",
            "agent: {labels: [a, b]}                          | agent.labels | expected a mapping of names to values",
            "checks: {allowed_interpreters: {sh: yes}}        | checks.allowed_interpreters | expected a list",
            "checks: {max_concurrent: 2.5}                    | checks.max_concurrent | '2.5' is not a whole number"})
    void yamlValueRefusedNamingTheKeyAndTheFile(String yaml, String key, String problem) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), yaml + "\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(file, BASE)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (" + file + "): ")
                .hasMessageContaining(problem);
    }

    /**
     * {@code api.token_file} and {@code api.metrics_token_file} over real files: the file's content, mode and owner,
     * what else is set, and the key and problem the startup error names. The agent runs as root in these tests (as on a
     * host); a file of another user needs root to be made.
     */
    @ParameterizedTest(name = "{0} {2} uid {3} {1} -> {5}: {6}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef0123 | rw-r--r-- | 0     | | api.token_file | is rw-r--r--: group or others can read or change the token; chmod 0600 it",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef0123 | rw-r----- | 0     | | api.token_file | is rw-r-----: group or others",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef0123 | rw-----w- | 0     | | api.token_file | is rw-----w-: group or others",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcdef0123 | rw----r-- | 0     | | api.metrics_token_file | is rw----r--: group or others",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcdef0123 | rw--w---- | 0     | | api.metrics_token_file | is rw--w----: group or others",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef0123 | rw------- | 65534 | | api.token_file | belongs to uid 65534, neither root nor this agent's user (uid 0)",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcdef0123 | rw------- | 65534 | | api.metrics_token_file | belongs to uid 65534",
            "AAMI_API_TOKEN_FILE         | \\n                 | rw------- | 0     | | api.token_file | is empty",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef 0123 | rw------- | 0    | | api.token_file | must hold one token on one line, without spaces",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef\\nsecond | rw------- | 0 | | api.token_file | must hold one token on one line",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcde      | rw------- | 0     | | api.metrics_token_file | holds a token of 15 characters; use at least 16",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcdef0123 | rw------- | 0     | AAMI_API_TOKEN=0123456789abcdef0123 | api.metrics_token_file | holds the same token as api.token",
            "AAMI_API_METRICS_TOKEN_FILE | 0123456789abcdef0123 | rw------- | 0     | AAMI_API_LISTEN=0.0.0.0:8469 | api.listen | 0.0.0.0 is not a loopback address; the local API can make this host connect anywhere, so set api.token or api.token_file to expose it (api.metrics_token_file alone guards only /metrics)",
            "AAMI_API_TOKEN_FILE         | 0123456789abcdef0123 | rw------- | 0     | AAMI_API_TOKEN=0123456789abcdef0123 | api.token_file | set api.token or api.token_file, not both"})
    void tokenFileRefusedNamingTheKey(String variable, String content, String mode, int owner, String extra, String key,
                                      String problem) throws Exception {
        Path file = tokenFile(content.replace("\\n", "\n"), mode, owner);
        Map<String, String> env = env(variable + "=" + file + (extra == null ? "" : ";" + extra));
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (environment variable ")
                .hasMessageContaining(problem);
    }

    @org.junit.jupiter.api.Test
    void tokenFilesThatAreNotFilesOrTooLargeAreRefused() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("token-dir"));
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env("AAMI_API_TOKEN_FILE=" + directory)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key 'api.token_file' (")
                .hasMessageContaining(directory + " is not a regular file");
        Path big = tokenFile("a".repeat(4097), "rw-------", 0);
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env("AAMI_API_METRICS_TOKEN_FILE=" + big)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key 'api.metrics_token_file' (")
                .hasMessageContaining("is larger than 4096 bytes");
    }

    /**
     * A token file someone else could swap between the agent's checks and its read: a symbolic link (its target chosen
     * by whoever writes the link's directory), or a private file in a directory another user can change, itself or
     * further up. A sticky world-writable directory ({@code /tmp}) is safe: there only an entry's owner renames it.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "symlink to a private token        | is a symbolic link; name the token file itself",
            "in a rwxrwxrwx directory          | which group or others can write",
            "in a rwxrwx--- directory          | which group or others can write",
            "under a rwxrwxrwx directory       | which group or others can write",
            "in a directory of uid 65534       | which belongs to uid 65534, neither root nor this agent's user",
            "in a sticky rwxrwxrwx directory   | ",
            "in a rwxr-xr-x directory          | "})
    void tokenFileSomeoneElseCouldSwapIsRefused(String layout, String problem) throws Exception {
        Path file = switch (layout) {
            case "symlink to a private token" -> Files.createSymbolicLink(dir.resolve("link"), tokenFile("0123456789abcdef0123", "rw-------", 0));
            case "in a rwxrwxrwx directory" -> tokenIn(directory(dir.resolve("shared"), "rwxrwxrwx", 0, false));
            case "in a rwxrwx--- directory" -> tokenIn(directory(dir.resolve("group"), "rwxrwx---", 0, false));
            case "under a rwxrwxrwx directory" -> tokenIn(directory(directory(dir.resolve("shared"), "rwxrwxrwx", 0, false)
                    .resolve("private"), "rwx------", 0, false));
            case "in a directory of uid 65534" -> tokenIn(directory(dir.resolve("nobody"), "rwx------", 65534, false));
            case "in a sticky rwxrwxrwx directory" -> tokenIn(directory(dir.resolve("sticky"), "rwxrwxrwx", 0, true));
            default -> tokenIn(directory(dir.resolve("plain"), "rwxr-xr-x", 0, false));
        };
        Map<String, String> env = env("AAMI_API_TOKEN_FILE=" + file);
        if (problem == null) {
            assertThat(AgentConfigLoader.load(null, env).api().token().matches("0123456789abcdef0123")).isTrue();
            return;
        }
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key 'api.token_file' (environment variable ").hasMessageContaining(problem);
    }

    private static Path directory(Path d, String mode, int uid, boolean sticky) throws Exception {
        Files.createDirectory(d);
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        if (sticky) {
            Files.setAttribute(d, "unix:mode", (Integer) Files.getAttribute(d, "unix:mode") | 01000);
        }
        if (uid != 0) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.aami.agent.util.ProcessUid.effective() == 0, "chown needs root");
            Files.setAttribute(d, "unix:uid", uid);
        }
        return d;
    }

    private static Path tokenIn(Path d) throws Exception {
        Path file = d.resolve("api.token");
        Files.writeString(file, "0123456789abcdef0123");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The files' edges: 0600 and 0400 of root's, a token of 16 characters, surrounding whitespace; the tokens differ. */
    @org.junit.jupiter.api.Test
    void privateTokenFilesLoadAsTheirTokens() throws Exception {
        Path full = tokenFile("  0123456789abcdef\n", "rw-------", 0);
        Path metrics = tokenFile("fedcba9876543210fedc", "r--------", 0);
        AgentConfig.Api api = AgentConfigLoader.load(null, env("AAMI_API_LISTEN=0.0.0.0:8469;AAMI_API_TOKEN_FILE=" + full
                + ";AAMI_API_METRICS_TOKEN_FILE=" + metrics)).api();
        assertThat(api.token().matches("0123456789abcdef")).isTrue();
        assertThat(api.token().matches("fedcba9876543210fedc")).isFalse();
        assertThat(api.metricsToken().matches("fedcba9876543210fedc")).isTrue();
        assertThat(api.metricsToken().matches("0123456789abcdef")).isFalse();
        assertThat(api.toString()).doesNotContain("0123456789abcdef").doesNotContain("fedcba9876543210fedc");
    }

    /** A token file in the given mode, owned by {@code uid} (another user's needs root, as the agent has on a host). */
    private Path tokenFile(String content, String mode, int uid) throws Exception {
        Path file = Files.createTempFile(dir, "token", "");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        if (uid != 0) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.aami.agent.util.ProcessUid.effective() == 0, "chown needs root");
            Files.setAttribute(file, "unix:uid", uid);
        }
        return file;
    }

    /** The edges each rule lets through, so a rule that is off by one fails here. */
    @ParameterizedTest(name = "{0} loads")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "AAMI_SERVER_ADDRESS=host:1",
            "\"AAMI_SERVER_ADDRESS= [::1]:65535 \"",
            "AAMI_SERVER_TLS_ENABLED=true;AAMI_SERVER_TLS_CA_CERT=/etc/aami/ca.crt",
            "AAMI_SERVER_TLS_ENABLED=true;AAMI_SERVER_TLS_CA_CERT_SHA256=sha256:" + "ABCD" + "ef01" + "2345" + "6789"
                    + "abcd" + "ef01" + "2345" + "6789" + "abcd" + "ef01" + "2345" + "6789" + "abcd" + "ef01" + "2345" + "6789",
            "AAMI_SERVER_RETRY_MAX_INTERVAL=1s;AAMI_SERVER_REENROLL_AFTER=1s",
            "AAMI_HEARTBEAT_INTERVAL=1s;AAMI_HEARTBEAT_TIMEOUT=1ms",
            "AAMI_HEARTBEAT_TIMEOUT=5m",
            "AAMI_CHECKS_MAX_CONCURRENT=1000;AAMI_CHECKS_RESULT_BUFFER_SIZE=100000",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=256",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=1MiB;AAMI_SPOOL_SEGMENT_BYTES=1040KiB",
            "AAMI_CHECKS_OUTPUT_MAX_BYTES=4096;AAMI_SPOOL_SEGMENT_BYTES=20480;AAMI_SPOOL_MAX_BYTES=40960",
            "AAMI_SPOOL_SEGMENT_BYTES=1GiB;AAMI_SPOOL_MAX_BYTES=2GiB",
            "AAMI_SPOOL_FSYNC=never;AAMI_SPOOL_FSYNC_INTERVAL=1ms",
            "AAMI_CHECKS_RUN_AS=_svc-01",
            "AAMI_PROBES_MAX_IN_FLIGHT=65536;AAMI_PROBES_MAX_TASK_IDS=1000000",
            "AAMI_POLICY_WAIT=1s",
            "AAMI_POLICY_WAIT=5m",
            "AAMI_API_LISTEN=127.0.0.1:0",
            "AAMI_API_LISTEN=[::1]:65535",
            "AAMI_API_LISTEN=localhost:8469",
            "AAMI_API_LISTEN=0.0.0.0:8469;AAMI_API_TOKEN=s3cret",
            "AAMI_API_LISTEN=off",
            "\"AAMI_API_LISTEN= OFF \""})
    void edgesLoad(String overrides) {
        assertThatCode(() -> AgentConfigLoader.load(null, env(overrides))).doesNotThrowAnyException();
    }

    /**
     * output_max_bytes is a validation rule like the others: an unknown key, or a rule checked before it,
     * is still the error reported first (as before the shared config helpers).
     */
    @org.junit.jupiter.api.Test
    void outputMaxBytesIsCheckedAfterUnknownKeysAndEarlierRules() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), "checks: {output_max_bytes: 100, output_max: 1}\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(file, BASE)).isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key 'checks.output_max' in " + file);
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env("AAMI_CHECKS_OUTPUT_MAX_BYTES=100;AAMI_HEARTBEAT_INTERVAL=999ms")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key 'heartbeat.interval' (");
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env("AAMI_CHECKS_OUTPUT_MAX_BYTES=8GiB;AAMI_CHECKS_RUN_AS=Root")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key 'checks.output_max_bytes' (");
    }

    /** As the README says: {@code off} in YAML must be quoted; bare, it is the YAML boolean false. */
    @org.junit.jupiter.api.Test
    void apiListenOffInYamlIsQuoted() throws Exception {
        Path quoted = Files.writeString(dir.resolve("quoted.yaml"), "api: {listen: \"off\"}\n");
        assertThat(AgentConfigLoader.load(quoted, BASE).api().enabled()).isFalse();
        Path bare = Files.writeString(dir.resolve("bare.yaml"), "api: {listen: off}\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(bare, BASE)).isInstanceOf(ConfigException.class)
                .hasMessage("config key 'api.listen' (" + bare + "): 'false' is not host:port");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "config.example.com:8443  | config.example.com | 8443 | config.example.com:8443",
            "' 10.0.0.5:9443 '        | 10.0.0.5           | 9443 | 10.0.0.5:9443",
            "[2001:db8::1]:443        | 2001:db8::1        | 443  | [2001:db8::1]:443"})
    void serverAddressIsSplitAndPrintedBack(String value, String host, int port, String address) {
        AgentConfig.Server server = AgentConfigLoader.load(null, env("AAMI_SERVER_ADDRESS=" + value)).server();
        assertThat(server.host()).isEqualTo(host);
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.address()).isEqualTo(address);
    }

    /**
     * {@code api.tls.*} over real files: a missing, world-readable or foreign key, an unreadable client CA file. The
     * agent's own pair (no {@code api.tls.cert_file}) is not required at startup: it appears at enrollment.
     */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "key missing           | api.tls.key_file | cannot read a private key from",
            "key rw-r--r--         | api.tls.key_file | is rw-r--r--: group or others can read the private key; chmod 0600 it",
            "key of another cert   | api.tls.key_file | does not belong to the certificate in",
            "cert not PEM          | api.tls.cert_file | no CERTIFICATE block found",
            "client CA missing     | api.tls.client_ca_file | cannot read certificates from",
            "client CA a directory | api.tls.client_ca_file | cannot read certificates from",
            "client CA not PEM     | api.tls.client_ca_file | no CERTIFICATE block found"})
    void apiTlsFileRefusedNamingTheKey(String layout, String key, String problem) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        java.security.KeyPair keys = g.generateKeyPair();
        Path crt = Files.writeString(dir.resolve("api.crt"), io.aami.common.pki.Pem.certificateToPem(selfSigned(keys)));
        Path keyFile = dir.resolve("api.key");
        io.aami.common.pki.PrivateFiles.write(keyFile, io.aami.common.pki.Pem.privateKeyToPem(keys.getPrivate()).getBytes());
        Path ca = dir.resolve("client-ca.crt");
        Files.copy(crt, ca);
        switch (layout) {
            case "key missing" -> Files.delete(keyFile);
            case "key rw-r--r--" -> Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            case "key of another cert" -> io.aami.common.pki.PrivateFiles.write(keyFile,
                    io.aami.common.pki.Pem.privateKeyToPem(g.generateKeyPair().getPrivate()).getBytes());
            case "cert not PEM" -> Files.writeString(crt, "not a certificate\n");
            case "client CA missing" -> Files.delete(ca);
            case "client CA a directory" -> {
                Files.delete(ca);
                Files.createDirectory(ca);
            }
            default -> Files.writeString(ca, "not a certificate\n");
        }
        Map<String, String> env = env("AAMI_API_TLS_ENABLED=true;AAMI_API_TLS_CERT_FILE=" + crt + ";AAMI_API_TLS_KEY_FILE=" + keyFile
                + ";AAMI_API_TLS_CLIENT_CA_FILE=" + ca);
        assertThatThrownBy(() -> AgentConfigLoader.load(null, env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (").hasMessageContaining(problem);
    }

    @org.junit.jupiter.api.Test
    void apiTlsDefaultsToTheAgentsOwnCertificateAndKey() {
        AgentConfig cfg = AgentConfigLoader.load(null, env("AAMI_SERVER_TLS_ENABLED=true;AAMI_SERVER_TLS_CA_CERT_SHA256=" + HEX
                + ";AAMI_AGENT_STATE_DIR=" + dir + ";AAMI_API_TLS_ENABLED=true"));
        assertThat(cfg.api().tls()).isEqualTo(new AgentConfig.ApiTls(true, dir.resolve("agent.crt"), dir.resolve("agent.key"), null, true));
        assertThat(AgentConfigLoader.load(null, BASE).api().tls().enabled()).as("off by default").isFalse();
    }

    private static java.security.cert.X509Certificate selfSigned(java.security.KeyPair keys) throws Exception {
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=api");
        java.time.Instant now = java.time.Instant.now();
        var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plusSeconds(86_400)), name, keys.getPublic());
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }
}
