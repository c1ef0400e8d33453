package io.aami.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server answers the long polls it holds before the API stops: none is cut off mid-wait,
 * and a poll sent again in the moment before the API stops is refused 503 with a Retry-After, not
 * parked to be cut off with a 500.
 */
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

    @Test
    void pollsSentAgainWhileTheServerStopsAreAnswered304Or503NeverCutOff() throws Exception {
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<String> retryAfters = new ConcurrentLinkedQueue<>();
        List<Thread> pollers = new java.util.ArrayList<>();
        try (TestServer server = TestServer.start(Map.of())) {
            EnrolledAgent a = Fixtures.enroll(server.api(), "re-polling", null);
            long v = PolicyPullTest.pull(server.api(), a, null, null).json().get("version").asLong();
            for (int i = 0; i < 4; i++) {
                // Like an agent: polls again as soon as it is answered, until the server is gone.
                Thread t = new Thread(() -> {
                    while (true) {
                        Api.Reply r;
                        try {
                            r = PolicyPullTest.pull(server.api(), a, "\"" + v + "\"", "30s");
                        } catch (RuntimeException gone) {
                            return;
                        }
                        statuses.add(r.status());
                        if (r.status() == 503) {
                            retryAfters.add(r.header("Retry-After").orElse("none"));
                        }
                    }
                });
                t.start();
                pollers.add(t);
            }
            Thread.sleep(500);
            server.close();
            for (Thread t : pollers) {
                t.join(15_000);
            }
        }
        assertThat(statuses).as("every answer while stopping").isNotEmpty().allMatch(s -> s == 304 || s == 503);
        assertThat(retryAfters).allMatch(h -> h.matches("[1-9][0-9]*"));
    }
}
