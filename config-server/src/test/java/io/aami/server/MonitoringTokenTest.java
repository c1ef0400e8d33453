package io.aami.server;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.security.AdminToken;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Prometheus's read-only credential over the whole route table (metrics not public): it opens the service
 * discovery and {@code /metrics} and nothing else; every viewer, operator and admin route answers it 403, every
 * agent route 401.
 */
class MonitoringTokenTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_METRICS_PUBLIC", "false"));
    static final Api api = server.api();

    @Test
    void everyOperatorRouteRefusesTheMonitoringToken() {
        List<RouteTable.Route> admin = new java.util.ArrayList<>(routes(Access.VIEWER));
        admin.addAll(routes(Access.OPERATOR));
        admin.addAll(routes(Access.ADMIN));
        assertThat(admin).hasSizeGreaterThan(20);
        for (RouteTable.Route r : admin) {
            Api.Reply reply = api.send(r.method(), path(r), Map.of(), MONITORING);
            assertThat(reply.status()).as(r + " → " + reply).isEqualTo(403);
            assertThat(reply.errorCode()).as(r + " → " + reply).isEqualTo("FORBIDDEN");
            assertThat(reply.body()).as("a console page's frame shows the token no navigation").doesNotContain("<nav");
        }
    }

    @Test
    void everyAgentRouteRefusesTheMonitoringToken() {
        for (RouteTable.Route r : routes(Access.AGENT)) {
            Api.Reply reply = api.send(r.method(), path(r), Map.of(), MONITORING);
            assertThat(reply.status()).as(r + " → " + reply).isEqualTo(401);
        }
    }

    @Test
    void theMonitoringRoutesAndMetricsAnswerTheMonitoringAndTheAdminToken() {
        List<RouteTable.Route> reading = new java.util.ArrayList<>(routes(Access.MONITORING));
        reading.addAll(routes(Access.METRICS_ACCESS));
        assertThat(reading).extracting(RouteTable.Route::path).containsExactlyInAnyOrder("/api/v1/sd/prometheus", "/metrics");
        for (RouteTable.Route r : reading) {
            assertThat(api.send(r.method(), r.path(), null, MONITORING).status()).as(r + " monitoring token").isEqualTo(200);
            assertThat(api.send(r.method(), r.path(), null, ADMIN).status()).as(r + " admin token").isEqualTo(200);
            assertThat(api.send(r.method(), r.path(), null, null).status()).as(r + " no token").isEqualTo(401);
            assertThat(api.send(r.method(), r.path(), null, MONITORING + "x").status()).as(r + " wrong token").isEqualTo(401);
        }
    }

    /** Without {@code monitoring_token} the server makes one, readable by its owner only, and never logs it. */
    @Test
    void withoutAConfiguredTokenOneIsGeneratedPrivatelyAndNeverLogged() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(AdminToken.class);
        log.start();
        logger.addAppender(log);
        try (TestServer s = TestServer.start(Map.of("AAMI_MONITORING_TOKEN", "", "AAMI_METRICS_PUBLIC", "false"))) {
            Path file = s.dataDir().resolve("monitoring-token");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String token = Files.readString(file).trim();
            assertThat(token).startsWith("aami_monitoring_").hasSizeGreaterThan(40).isNotEqualTo(ADMIN);
            assertThat(s.api().get("/api/v1/sd/prometheus", token).status()).isEqualTo(200);
            assertThat(s.api().get("/metrics", token).status()).isEqualTo(200);
            assertThat(s.api().get("/api/v1/targets", token).status()).isEqualTo(403);
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("monitoring token").contains(file.toString()))
                    .noneSatisfy(m -> assertThat(m).contains(token));
        } finally {
            logger.detachAppender(log);
        }
    }

    private static List<RouteTable.Route> routes(Access access) {
        return server.running().routes().stream().filter(r -> r.access() == access).toList();
    }

    private static String path(RouteTable.Route r) {
        return r.path().replace("{id}", UUID.randomUUID().toString()).replace("{token_id}", UUID.randomUUID().toString());
    }
}
