package io.aami.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        ServerConfig cfg = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off"));
        assertThat(cfg.listen()).isEqualTo(new ServerConfig.Listen("0.0.0.0", 8443));
        assertThat(cfg.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(cfg.database().embedded()).isTrue();
        assertThat(cfg.heartbeat().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.heartbeat().offlineAfter()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void theAcceptQueueIsTwiceTheHandshakePlacesUnlessSet() {
        ServerConfig cfg = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", "AAMI_HTTP_MAX_TLS_HANDSHAKES", "100"));
        assertThat(cfg.http().acceptQueue()).isEqualTo(200);
        assertThat(ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", "AAMI_HTTP_MAX_TLS_HANDSHAKES", "50000")).http()
                .acceptQueue()).as("at most 65,535").isEqualTo(65_535);
        assertThat(ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", "AAMI_HTTP_ACCEPT_QUEUE", "1000")).http()
                .acceptQueue()).isEqualTo(1000);
    }

    @Test
    void fileThenEnvironment() throws Exception {
        Path f = dir.resolve("server.yaml");
        Files.writeString(f, "listen: \"127.0.0.1:9000\"\ndatabase:\n  url: jdbc:postgresql://db/aami\n  user: aami\n"
                + "heartbeat:\n  interval: 10s\ntls:\n  enabled: false\n");
        ServerConfig cfg = ServerConfigLoader.load(f, Map.of("AAMI_LISTEN", "[::1]:9443", "AAMI_DATABASE_PASSWORD", "pw"));
        assertThat(cfg.listen()).isEqualTo(new ServerConfig.Listen("::1", 9443));
        assertThat(cfg.database().url()).isEqualTo("jdbc:postgresql://db/aami");
        assertThat(cfg.database().user()).isEqualTo("aami");
        assertThat(cfg.database().password()).isEqualTo("pw");
        assertThat(cfg.heartbeat().interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void unknownKeysAndBadValuesStopStartupNamingThem() throws Exception {
        Path f = dir.resolve("server.yaml");
        Files.writeString(f, "listen: \"127.0.0.1:9000\"\ndatabse:\n  url: x\n");
        assertThatThrownBy(() -> ServerConfigLoader.load(f, Map.of("AAMI_TLS", "off")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'databse'");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_LISTEN", "nowhere")))
                .hasMessageContaining("listen").hasMessageContaining("AAMI_LISTEN");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_LISTEN", "0.0.0.0:70000")))
                .hasMessageContaining("65535");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_TLS", "sometimes")))
                .hasMessageContaining("AAMI_TLS");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_HEARTBEAT_INTERVAL", "0s")))
                .hasMessageContaining("heartbeat.interval");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_ADMIN_TOKEN", "short")))
                .hasMessageContaining("admin_token");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "AAMI_HTTP_BODY_READ_TIMEOUT, 0s, http.body_read_timeout",
            "AAMI_HTTP_BODY_READ_TIMEOUT, 11m, http.body_read_timeout",
            "AAMI_HTTP_HEADER_READ_TIMEOUT, 500ms, http.header_read_timeout",
            "AAMI_HTTP_HEADER_READ_TIMEOUT, 6m, http.header_read_timeout",
            "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND, 0, http.min_body_rate_bytes_per_second",
            "AAMI_HTTP_MAX_UNAUTHENTICATED_IN_FLIGHT, 0, http.max_unauthenticated_in_flight",
            "AAMI_HTTP_MAX_UNAUTHENTICATED_IN_FLIGHT, 126, http.max_unauthenticated_in_flight"})
    void slowClientLimitsAreValidated(String variable, String value, String key) {
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", variable, value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    @Test
    void slowClientLimitsHaveSafeDefaultsAndCanBeSet() {
        ServerConfig.Http http = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off")).http();
        assertThat(http.bodyReadTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.headerReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.minBodyRateBytesPerSecond()).isEqualTo(1024);
        assertThat(http.maxUnauthenticatedInFlight()).isEqualTo(32);
        http = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", "AAMI_HTTP_BODY_READ_TIMEOUT", "2m",
                "AAMI_HTTP_MIN_BODY_RATE_BYTES_PER_SECOND", "4KiB", "AAMI_HTTP_MAX_UNAUTHENTICATED_IN_FLIGHT", "125")).http();
        assertThat(http.bodyReadTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(http.minBodyRateBytesPerSecond()).isEqualTo(4096);
        assertThat(http.maxUnauthenticatedInFlight()).isEqualTo(125);
    }

    @Test
    void certificateGraceAndRegistrationRetryWindowAreBounded() {
        ServerConfig cfg = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off"));
        assertThat(cfg.tls().previousCertificateGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cfg.tokens().registrationRetryWindow()).isEqualTo(Duration.ofMinutes(15));
        ServerConfig shortest = ServerConfigLoader.load(null, Map.of("AAMI_TLS", "off", "AAMI_POLICY_MAX_WAIT", "1s",
                "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE", "62s", "AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW", "0s"));
        assertThat(shortest.tls().previousCertificateGrace()).isEqualTo(Duration.ofSeconds(62));
        assertThat(shortest.tokens().registrationRetryWindow()).isZero();
        // A connection opened with the replaced certificate can be reused up to 2 x max_wait + 60s later.
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_POLICY_MAX_WAIT", "5m",
                "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE", "10m"))).hasMessageContaining("tls.previous_certificate_grace")
                .hasMessageContaining("660s");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE", "2h")))
                .hasMessageContaining("tls.previous_certificate_grace");
        assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW", "1d")))
                .hasMessageContaining("bootstrap_tokens.registration_retry_window");
    }

    @Test
    void unusedAamiVariablesAreWarnings() {
        var loaded = ServerConfigLoader.loadWithWarnings(null, Map.of("AAMI_TLS", "off", "AAMI_DATABSE_URL", "x"));
        assertThat(loaded.warnings()).singleElement().asString().contains("AAMI_DATABSE_URL");
    }
}
