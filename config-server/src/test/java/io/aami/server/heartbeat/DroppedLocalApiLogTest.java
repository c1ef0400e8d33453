package io.aami.server.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A hostile agent sending an unusable {@code local_api} on every heartbeat, through the real route: each heartbeat
 * is accepted, and the server warns at most once a minute, naming the agent and the field but never echoing what
 * the agent sent (which could forge log lines).
 */
class DroppedLocalApiLogTest {
    @Test
    void unusableLocalApisAreWarnedAboutAtMostOnceAMinuteWithoutTheirValue() {
        MutableClock clock = MutableClock.startingNow();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(DroppedLocalApis.class);
        log.start();
        logger.addAppender(log);
        try (TestServer server = TestServer.start(Map.of(), TestDatabase.fresh(), clock)) {
            HeartbeatLivenessTest.Agent a = HeartbeatLivenessTest.enroll(server.api(), "hostile");
            Map<String, Object> forged = Map.of("agent_version", "t",
                    "local_api", Map.of("host", "evil\nFAKE server log line", "port", 8469));
            for (int i = 0; i < 30; i++) {
                assertThat(server.api().post("/api/v1/agents/" + a.id() + "/heartbeat", forged, a.token()).status()).isEqualTo(200);
            }
            assertThat(messages(log)).hasSize(1);
            assertThat(messages(log).get(0)).contains(a.id().toString(), "local_api.host").doesNotContain("evil", "FAKE");

            clock.advance(DroppedLocalApis.LOG_EVERY.minus(Duration.ofSeconds(1)));
            server.api().post("/api/v1/agents/" + a.id() + "/heartbeat", forged, a.token());
            assertThat(messages(log)).as("still within the minute").hasSize(1);
            clock.advance(Duration.ofSeconds(1));
            server.api().post("/api/v1/agents/" + a.id() + "/heartbeat", forged, a.token());
            assertThat(messages(log)).hasSize(2);
            assertThat(messages(log).get(1)).contains("30 more such heartbeats since the last warning");
        } finally {
            logger.detachAppender(log);
        }
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
