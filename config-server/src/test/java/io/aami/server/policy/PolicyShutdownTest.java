package io.aami.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping the server answers the long polls it holds before the API stops: none is cut off mid-wait. */
class PolicyShutdownTest {
    @Test
    void stoppingTheServerAnswersAWaitingLongPollWith304() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            EnrolledAgent a = Fixtures.enroll(server.api(), "waiting", null);
            long v = PolicyPullTest.pull(server.api(), a, null, null).json().get("version").asLong();
            CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(
                    () -> PolicyPullTest.pull(server.api(), a, "\"" + v + "\"", "30s"));
            Thread.sleep(500);
            assertThat(waiting).as("the poll waits for a change").isNotDone();
            long t0 = System.nanoTime();
            server.close();
            Api.Reply r = waiting.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(304);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
