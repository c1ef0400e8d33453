package io.aami.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every validation rule of {@link ServerConfigLoader} as a table: what is set (environment or YAML) and the
 * key and problem the startup error names. Rows are grouped in the loader's order.
 */
class ServerConfigValidationTest {
    @TempDir
    Path dir;

    /** {@code AAMI_A=1;AAMI_B=2}; an empty value leaves the key unset. */
    static Map<String, String> env(String overrides) {
        Map<String, String> env = new HashMap<>();
        for (String pair : overrides.split(";")) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return env;
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // listen: host:port, port 0..65535
            "AAMI_LISTEN=nowhere                          | listen | 'nowhere' is not host:port",
            "AAMI_LISTEN=:8443                            | listen | ':8443' is not host:port (the host is empty; write 0.0.0.0:port or [::]:port",
            "AAMI_LISTEN=::8443                           | listen | '::8443' is not host:port (write an IPv6 address in brackets",
            "AAMI_LISTEN=[::]8443                         | listen | '[::]8443' is not host:port",
            "AAMI_LISTEN=0.0.0.0:                         | listen | '0.0.0.0:' does not end in a port number",
            "AAMI_LISTEN=0.0.0.0:-1                       | listen | '0.0.0.0:-1' does not end in a port number",
            "AAMI_LISTEN=0.0.0.0:70000                    | listen | port 70000 is outside 0..65535",
            // database
            "AAMI_DATABASE_POOL_SIZE=1                    | database.pool_size | 1 is outside the allowed range 2..500",
            "AAMI_DATABASE_POOL_SIZE=501                  | database.pool_size | 501 is outside the allowed range 2..500",
            "AAMI_DATABASE_CONNECT_TIMEOUT=soon           | database.connect_timeout | 'soon' is not a duration",
            // tls
            "AAMI_TLS=sometimes                           | tls.enabled | 'sometimes' is not one of on, off, true, false",
            "AAMI_TLS_CLIENT_CERT_VALIDITY=59m            | tls.client_cert_validity | must be between 1h and 366d",
            "AAMI_TLS_SERVER_NAMES=aami.example.com,x.agent.aami.internal | tls.server_names | 'x.agent.aami.internal' is an agent's name",
            "AAMI_TLS_SERVER_NAMES=Agent.AAMI.internal.    | tls.server_names | 'Agent.AAMI.internal.' is an agent's name",
            "AAMI_TLS_SERVER_NAMES=*.aami.internal         | tls.server_names | '*.aami.internal' is an agent's name",
            "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE=soon     | tls.previous_certificate_grace | 'soon' is not a duration",
            // heartbeat
            "AAMI_HEARTBEAT_INTERVAL=999ms                | heartbeat.interval | must be between 1s and 1h",
            "AAMI_HEARTBEAT_INTERVAL=61m                  | heartbeat.interval | must be between 1s and 1h",
            "AAMI_HEARTBEAT_MISSED_FOR_OFFLINE=1          | heartbeat.missed_for_offline | 1 is outside the allowed range 2..100",
            "AAMI_HEARTBEAT_MISSED_FOR_OFFLINE=101        | heartbeat.missed_for_offline | 101 is outside the allowed range 2..100",
            "AAMI_HEARTBEAT_SWEEP_INTERVAL=0s             | heartbeat.sweep_interval | must be positive",
            "AAMI_HEARTBEAT_FLUSH_INTERVAL=0ms            | heartbeat.flush_interval | must be positive",
            // bootstrap tokens
            "AAMI_BOOTSTRAP_TOKENS_DEFAULT_TTL=0s         | bootstrap_tokens.default_ttl | must be positive and not above bootstrap_tokens.max_ttl",
            "AAMI_BOOTSTRAP_TOKENS_DEFAULT_TTL=2d;AAMI_BOOTSTRAP_TOKENS_MAX_TTL=1d | bootstrap_tokens.default_ttl | must be positive and not above",
            "AAMI_BOOTSTRAP_TOKENS_MAX_TTL=23h            | bootstrap_tokens.default_ttl | must be positive and not above",
            "AAMI_BOOTSTRAP_TOKENS_MAX_TTL=forever        | bootstrap_tokens.max_ttl | 'forever' is not a duration",
            "AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW=61m | bootstrap_tokens.registration_retry_window | must be between 0s and 1h",
            // http
            "AAMI_HTTP_MAX_BODY_BYTES=1023                | http.max_body_bytes | must be at least 1KiB",
            "AAMI_HTTP_MAX_BODY_BYTES=big                 | http.max_body_bytes | 'big' is not a size",
            "AAMI_HTTP_HEADER_READ_TIMEOUT=999ms          | http.header_read_timeout | must be between 1s and 5m",
            "AAMI_HTTP_HEADER_READ_TIMEOUT=5m1ms          | http.header_read_timeout | must be between 1s and 5m",
            "AAMI_HTTP_BODY_READ_TIMEOUT=999ms            | http.body_read_timeout | must be between 1s and 10m",
            "AAMI_HTTP_BODY_READ_TIMEOUT=10m1ms           | http.body_read_timeout | must be between 1s and 10m",
            "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND=0   | http.min_body_rate_bytes_per_second | must be between 1 and 1GiB",
            "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND=1073741825 | http.min_body_rate_bytes_per_second | must be between 1 and 1GiB",
            "AAMI_HTTP_MAX_UNAUTHENTICATED_IN_FLIGHT=0    | http.max_unauthenticated_in_flight | 0 is outside the allowed range 1..125",
            "AAMI_HTTP_MAX_UNAUTHENTICATED_IN_FLIGHT=126  | http.max_unauthenticated_in_flight | 126 is outside the allowed range 1..125",
            "AAMI_HTTP_TLS_HANDSHAKE_TIMEOUT=soon         | http.tls_handshake_timeout | 'soon' is not a duration",
            "AAMI_HTTP_MAX_TLS_HANDSHAKES=0               | http.max_tls_handshakes | 0 is outside the allowed range 1..100000",
            "AAMI_HTTP_MAX_TLS_HANDSHAKES=many            | http.max_tls_handshakes | 'many'",
            "AAMI_HTTP_MAX_TLS_HANDSHAKES_PER_ADDRESS=0   | http.max_tls_handshakes_per_address | 0 is outside the allowed range 1..100000",
            "AAMI_HTTP_ACCEPT_QUEUE=0                     | http.accept_queue | 0 is outside the allowed range 1..65535",
            "AAMI_HTTP_MAX_TLS_HANDSHAKES=8;AAMI_HTTP_MAX_TLS_HANDSHAKES_PER_ADDRESS=9 | http.max_tls_handshakes_per_address | must not exceed http.max_tls_handshakes (8)",
            "AAMI_METRICS_PUBLIC=maybe                    | metrics.public | 'maybe' is not one of on, off, true, false",
            "AAMI_METRICS_MAX_AGE=soon                    | metrics.max_age | 'soon' is not a duration",
            // rate limits
            "AAMI_RATE_LIMITS_ENROLL_PER_MINUTE=0         | rate_limits.enroll_per_minute | 0 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_ENROLL_BURST=1000001        | rate_limits.enroll_burst | 1000001 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_AGENT_PER_SECOND=0          | rate_limits.agent_per_second | 0 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_AGENT_BURST=1000001         | rate_limits.agent_burst | 1000001 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_PER_SECOND=0  | rate_limits.invalid_token_per_second | 0 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_BURST=1000001 | rate_limits.invalid_token_burst | 1000001 is outside the allowed range 1..1000000",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_BURST=many    | rate_limits.invalid_token_burst | 'many' is not a whole number",
            // checks
            "AAMI_CHECKS_INTERPRETERS=sh,b@sh             | checks.interpreters | must list interpreter names such as sh, bash, python3",
            "\"AAMI_CHECKS_INTERPRETERS= , \"             | checks.interpreters | must list interpreter names",
            "AAMI_CHECKS_INTERPRETERS=" + "pythonpythonpythonpythonpythonpythonpythonpythonpythonpython12345" + " | checks.interpreters | must list",
            "AAMI_CHECKS_MAX_SCRIPT_BYTES=0               | checks.max_script_bytes | must be between 1 and 1GiB",
            "AAMI_CHECKS_MAX_SCRIPT_BYTES=1073741825      | checks.max_script_bytes | must be between 1 and 1GiB",
            "AAMI_CHECKS_MAX_SCRIPT_BYTES=4GiB            | checks.max_script_bytes | must be between 1 and 1GiB",
            // results
            "AAMI_RESULTS_RETENTION=23h                   | results.retention | must be at least 1d (history is kept in daily partitions)",
            "AAMI_RESULTS_PARTITIONS_AHEAD=0              | results.partitions_ahead | 0 is outside the allowed range 1..60",
            "AAMI_RESULTS_PARTITIONS_AHEAD=61             | results.partitions_ahead | 61 is outside the allowed range 1..60",
            "AAMI_RESULTS_MAX_BATCH=0                     | results.max_batch | 0 is outside the allowed range 1..100000",
            "AAMI_RESULTS_MAX_BATCH=100001                | results.max_batch | 100001 is outside the allowed range 1..100000",
            "AAMI_RESULTS_MAINTENANCE_INTERVAL=999ms      | results.maintenance_interval | must be at least 1s",
            "AAMI_RESULTS_MAINTENANCE_INTERVAL=0s         | results.maintenance_interval | must be at least 1s",
            // audit
            "AAMI_AUDIT_RETENTION=23h                     | audit.retention | must be between 1d and 36500d",
            "AAMI_AUDIT_RETENTION=36501d                  | audit.retention | must be between 1d and 36500d",
            "AAMI_AUDIT_RETENTION=forever                 | audit.retention | 'forever' is not a duration",
            // sessions
            "AAMI_CONSOLE_SUMMARY_MAX_AGE=61s             | console.summary_max_age | must be between 0s and 1m",
            "AAMI_CONSOLE_SUMMARY_MAX_AGE=-1s             | console.summary_max_age | '-1s' is not a duration",
            "AAMI_SESSIONS_IDLE_TIMEOUT=59s               | sessions.idle_timeout | must be between 5m and 1d",
            "AAMI_SESSIONS_IDLE_TIMEOUT=4m                | sessions.idle_timeout | must be between 5m and 1d",
            "AAMI_SESSIONS_IDLE_TIMEOUT=25h               | sessions.idle_timeout | must be between 5m and 1d",
            "AAMI_SESSIONS_IDLE_TIMEOUT=soon              | sessions.idle_timeout | 'soon' is not a duration",
            "AAMI_SESSIONS_ABSOLUTE_TIMEOUT=29m           | sessions.absolute_timeout | must be between sessions.idle_timeout and 30d",
            "AAMI_SESSIONS_ABSOLUTE_TIMEOUT=31d           | sessions.absolute_timeout | must be between sessions.idle_timeout and 30d",
            // policy, admin token
            "AAMI_POLICY_MAX_WAIT=999ms                   | policy.max_wait | must be between 1s and 10m",
            "AAMI_POLICY_MAX_WAIT=10m1ms                  | policy.max_wait | must be between 1s and 10m",
            "AAMI_ADMIN_TOKEN=fifteen-chars-x             | admin_token | must be at least 16 characters",
            "AAMI_MONITORING_TOKEN=fifteen-chars-x        | monitoring_token | must be at least 16 characters and differ from admin_token",
            "AAMI_ADMIN_TOKEN=one-token-for-both-0123;AAMI_MONITORING_TOKEN=one-token-for-both-0123 | monitoring_token | differ from admin_token",
            // tls pairs and bounds, then the grace, then the bundle
            "AAMI_TLS_PROTOCOLS=TLSv1.1                   | tls.protocols | must list TLSv1.3 and optionally TLSv1.2",
            "AAMI_TLS_PROTOCOLS=TLSv1.3,TLSv1.1           | tls.protocols | must list TLSv1.3 and optionally TLSv1.2",
            "AAMI_TLS_PROTOCOLS=TLSv1.2                   | tls.protocols | must list TLSv1.3 and optionally TLSv1.2",
            "\"AAMI_TLS_PROTOCOLS= , \"                   | tls.protocols | must list TLSv1.3 and optionally TLSv1.2",
            "AAMI_TLS_CA_CERT=/etc/aami/ca.crt            | tls.ca_cert | give both tls.ca_cert and tls.ca_key, or neither",
            "AAMI_TLS_CA_KEY=/etc/aami/ca.key             | tls.ca_cert | give both tls.ca_cert and tls.ca_key, or neither",
            "AAMI_TLS_CERT=/etc/aami/server.crt           | tls.cert | give both tls.cert and tls.key, or neither",
            "AAMI_TLS_KEY=/etc/aami/server.key            | tls.cert | give both tls.cert and tls.key, or neither",
            "AAMI_TLS_CLIENT_CERT_VALIDITY=367d           | tls.client_cert_validity | must be between 1h and 366d",
            "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE=179s     | tls.previous_certificate_grace | must be between 2 x policy.max_wait + 60s (here 180s) and 1h",
            "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE=61m      | tls.previous_certificate_grace | must be between 2 x policy.max_wait + 60s (here 180s) and 1h",
            "AAMI_POLICY_BUNDLE_TTL=4m59s                 | policy.bundle_ttl | must be at least 5m",
            // logging
            "AAMI_LOGGING_LEVEL=loud                      | logging.level | 'loud' is not one of trace, debug, info, warn, error",
            "AAMI_LOGGING_FORMAT=xml                      | logging.format | 'xml' is not one of text, json",
            // service discovery
            "AAMI_SD_ALLOWED_CIDRS=agents.example         | sd.allowed_cidrs | 'agents.example' is not an IP address",
            "AAMI_SD_ALLOWED_CIDRS=10.0.0.0/8,10.1.0.0/33 | sd.allowed_cidrs | '10.1.0.0/33' has a prefix length outside 0..32",
            "AAMI_SD_ALLOWED_CIDRS=::/0                   | sd.allowed_cidrs | '::/0' would allow every address",
            // host discovery
            "AAMI_DISCOVERY_INVENTORY=10.20.0.0/16         | discovery.inventory | '10.20.0.0/16' is not <cidr>=<name>",
            "AAMI_DISCOVERY_INVENTORY=db.example=postgres  | discovery.inventory | 'db.example' is not an IP address",
            "AAMI_DISCOVERY_INVENTORY=10.20.0.0/40=pg      | discovery.inventory | '10.20.0.0/40' has a prefix length outside 0..32",
            "AAMI_DISCOVERY_INVENTORY=10.20.0.0/16=        | discovery.inventory | '' is not a name",
            "AAMI_DISCOVERY_INVENTORY=10.20.0.0/16=pg\"sql | discovery.inventory | is not a name",
            "AAMI_DISCOVERY_METRICS_MAX_EDGES=-1           | discovery.metrics_max_edges | -1 is outside the allowed range 0..100000",
            "AAMI_DISCOVERY_METRICS_MAX_CONNECTION_SERIES=100001 | discovery.metrics_max_connection_series | 100001 is outside the allowed range 0..100000",
            "AAMI_DISCOVERY_METRICS_MIN_CONNECTIONS=0      | discovery.metrics_min_connections | 0 is outside the allowed range 1..1000000",
            // reverse proxies and passwords over plain HTTP
            "AAMI_HTTP_TRUSTED_PROXIES=proxy.example      | http.trusted_proxies | 'proxy.example' is not an IP address",
            "AAMI_HTTP_TRUSTED_PROXIES=10.0.0.1,10.0.0.0/40 | http.trusted_proxies | '10.0.0.0/40' has a prefix length outside 0..32",
            "AAMI_HTTP_TRUSTED_PROXIES=0.0.0.0/0          | http.trusted_proxies | '0.0.0.0/0' would allow every address",
            "AAMI_HTTP_PLAIN_HTTP_LOGIN=yes               | http.plain_http_login | 'yes' is not one of loopback, allow, refuse"})
    void environmentValueRefusedNamingTheKey(String overrides, String key, String problem) {
        assertThatThrownBy(() -> ServerConfigLoader.load(null, env(overrides))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "listen: ''                                       | listen | '' is not host:port",
            "listen: 8443                                     | listen | '8443' is not host:port",
            "listen: {host: 0.0.0.0, port: 8443}              | listen | expected a single value, not a mapping",
            "policy: {max_wait: 11m}                          | policy.max_wait | must be between 1s and 10m",
            "audit: {retention: 0s}                           | audit.retention | must be between 1d and 36500d",
            "sessions: {idle_timeout: 2h, absolute_timeout: 1h} | sessions.absolute_timeout | must be between sessions.idle_timeout and 30d",
            "tls: {protocols: []}                             | tls.protocols | must list TLSv1.3",
            "tls: {protocols: TLSv1.2}                        | tls.protocols | must list TLSv1.3",
            "tls: {enabled: [on]}                             | tls.enabled | expected a single value, not a list",
            "checks: {interpreters: {sh: yes}}                | checks.interpreters | expected a list",
            "admin_token: 123456789012345                     | admin_token | must be at least 16 characters",
            "sd: {allowed_cidrs: {net: 10.0.0.0/8}}           | sd.allowed_cidrs | expected a list",
            "sd: {allowed_cidrs: [0.0.0.0/0]}                 | sd.allowed_cidrs | '0.0.0.0/0' would allow every address",
            "http: {trusted_proxies: {lb: 10.0.0.1}}          | http.trusted_proxies | expected a list",
            "http: {trusted_proxies: ['::/0']}                | http.trusted_proxies | '::/0' would allow every address",
            "http: {plain_http_login: true}                   | http.plain_http_login | 'true' is not one of loopback, allow, refuse",
            "heartbeat: {missed_for_offline: three}           | heartbeat.missed_for_offline | 'three' is not a whole number",
            "discovery: {inventory: {pg: 10.20.0.0/16}}       | discovery.inventory | expected a list",
            "discovery: {inventory: ['10.20.0.0/16 postgres']} | discovery.inventory | is not <cidr>=<name>"})
    void yamlValueRefusedNamingTheKeyAndTheFile(String yaml, String key, String problem) throws Exception {
        Path file = Files.writeString(dir.resolve("server.yaml"), yaml + "\n");
        assertThatThrownBy(() -> ServerConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key '" + key + "' (" + file + "): ")
                .hasMessageContaining(problem);
    }

    /** The edges each rule lets through, so a rule that is off by one fails here. */
    @ParameterizedTest(name = "{0} loads")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "AAMI_LISTEN=127.0.0.1:0",
            "AAMI_LISTEN=[::]:65535",
            "\"AAMI_LISTEN= 0.0.0.0:8443 \"",
            "AAMI_DATABASE_POOL_SIZE=2",
            "AAMI_DATABASE_POOL_SIZE=500",
            "AAMI_HEARTBEAT_INTERVAL=1s;AAMI_HEARTBEAT_MISSED_FOR_OFFLINE=2",
            "AAMI_HEARTBEAT_INTERVAL=1h;AAMI_HEARTBEAT_MISSED_FOR_OFFLINE=100",
            "AAMI_HEARTBEAT_SWEEP_INTERVAL=1ms;AAMI_HEARTBEAT_FLUSH_INTERVAL=1ms",
            "AAMI_BOOTSTRAP_TOKENS_DEFAULT_TTL=1d;AAMI_BOOTSTRAP_TOKENS_MAX_TTL=1d",
            "AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW=1h",
            "AAMI_AUDIT_RETENTION=1d",
            "AAMI_AUDIT_RETENTION=36500d",
            "AAMI_HTTP_MAX_BODY_BYTES=1KiB",
            "AAMI_HTTP_HEADER_READ_TIMEOUT=1s;AAMI_HTTP_BODY_READ_TIMEOUT=1s",
            "AAMI_HTTP_HEADER_READ_TIMEOUT=5m;AAMI_HTTP_BODY_READ_TIMEOUT=10m",
            "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND=1",
            "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND=1GiB",
            "AAMI_RATE_LIMITS_ENROLL_PER_MINUTE=1000000;AAMI_RATE_LIMITS_AGENT_BURST=1",
            "AAMI_CHECKS_INTERPRETERS=python3.12,c++-run,x_y",
            "AAMI_CHECKS_MAX_SCRIPT_BYTES=1",
            "AAMI_CHECKS_MAX_SCRIPT_BYTES=1GiB",
            "AAMI_RESULTS_RETENTION=1d;AAMI_RESULTS_PARTITIONS_AHEAD=60;AAMI_RESULTS_MAX_BATCH=100000",
            "AAMI_POLICY_MAX_WAIT=10m;AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE=1h",
            "AAMI_POLICY_MAX_WAIT=1s;AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE=62s",
            "AAMI_ADMIN_TOKEN=sixteen-chars-xx",
            "\"AAMI_ADMIN_TOKEN= \t \"",
            "AAMI_TLS_PROTOCOLS=TLSv1.2,TLSv1.3",
            "AAMI_TLS_CA_CERT=/a;AAMI_TLS_CA_KEY=/b;AAMI_TLS_CERT=/c;AAMI_TLS_KEY=/d",
            "AAMI_TLS_CLIENT_CERT_VALIDITY=1h",
            "AAMI_TLS_CLIENT_CERT_VALIDITY=366d",
            "AAMI_POLICY_BUNDLE_TTL=5m",
            "AAMI_HTTP_MAX_TLS_HANDSHAKES=1",
            "AAMI_MONITORING_TOKEN=sixteen-chars-xx",
            "AAMI_SD_ALLOWED_CIDRS=10.0.0.0/1,2001:db8::/1,192.0.2.7",
            "AAMI_HTTP_TRUSTED_PROXIES=10.0.0.0/1,2001:db8::/1,192.0.2.7;AAMI_HTTP_PLAIN_HTTP_LOGIN=REFUSE"})
    void edgesLoad(String overrides) {
        assertThatCode(() -> ServerConfigLoader.load(null, env(overrides))).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:8443      | 0.0.0.0 | 8443 | 0.0.0.0:8443",
            "[::]:8443         | ::      | 8443 | [::]:8443",
            "' [::1]:0 '       | ::1     | 0    | [::1]:0"})
    void listenIsSplitAndPrintedBack(String value, String host, int port, String printed) {
        ServerConfig.Listen listen = ServerConfigLoader.load(null, Map.of("AAMI_LISTEN", value)).listen();
        assertThat(listen).isEqualTo(new ServerConfig.Listen(host, port));
        assertThat(listen).hasToString(printed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AAMI_ADMIN_TOKEN", "AAMI_DATABASE_URL", "AAMI_MONITORING_TOKEN"})
    void aBlankSecretOrUrlIsUnset(String variable) {
        ServerConfig cfg = ServerConfigLoader.load(null, Map.of(variable, " \t "));
        assertThat(cfg.adminToken()).isNull();
        assertThat(cfg.monitoringToken()).isNull();
        assertThat(cfg.database().url()).isNull();
    }

    @org.junit.jupiter.api.Test
    void sdAllowedCidrsAreEmptyUnlessListed() {
        assertThat(ServerConfigLoader.load(null, Map.of()).sd().allowedCidrs()).isEmpty();
        assertThat(ServerConfigLoader.load(null, Map.of("AAMI_SD_ALLOWED_CIDRS", "10.0.0.0/8, 2001:db8::/32")).sd().allowedCidrs())
                .containsExactly("10.0.0.0/8", "2001:db8::/32");
    }
}
