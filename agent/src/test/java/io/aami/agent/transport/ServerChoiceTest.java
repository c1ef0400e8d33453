package io.aami.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.testing.Scrapes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failover rule of one loop: when it moves, where to, and that it stays. */
class ServerChoiceTest {
    final PrometheusRegistry registry = new PrometheusRegistry();
    final ServerChoice choice = new ServerChoice("heartbeat", List.of("a:1", "b:2", "c:3"), 1, new FailoverMetrics(registry));

    static TransportException status(int status) {
        return status == 0 ? TransportException.unreachable("refused", null)
                : new TransportException(status, "HTTP_" + status, "server answered " + status, null, null);
    }

    @Test
    void noAnswerMovesAtOnceToTheNextAndWraps() throws Exception {
        choice.failed(1, status(0));
        assertThat(choice.current()).isEqualTo(2);
        choice.failed(2, status(0));
        assertThat(choice.current()).as("wraps round the list").isZero();
        String text = Scrapes.text(registry);
        assertThat(text).contains("aami_agent_server_failovers_total{loop=\"heartbeat\"} 2.0")
                .contains("aami_agent_server_current{address=\"a:1\",loop=\"heartbeat\"} 1.0")
                .contains("aami_agent_server_current{address=\"b:2\",loop=\"heartbeat\"} 0.0")
                .contains("aami_agent_server_current{address=\"c:3\",loop=\"heartbeat\"} 0.0");
    }

    @Test
    void serverErrorsMoveOnlyWhenRepeated() {
        choice.failed(1, status(503));
        choice.failed(1, status(500));
        assertThat(choice.current()).isEqualTo(1);
        choice.answered();
        choice.failed(1, status(503));
        choice.failed(1, status(502));
        assertThat(choice.current()).as("an answer in between starts the count again").isEqualTo(1);
        choice.failed(1, status(503));
        assertThat(choice.current()).isEqualTo(2);
    }

    @Test
    void anAnswerThatIsNoServerFailureNeverMoves() {
        for (int s : new int[] {429, 408, 400, 401, 403, 404, 413}) {
            choice.answered();
            choice.failed(1, status(503));
            choice.failed(1, status(503));
            choice.failed(1, status(s));
            choice.failed(1, status(503));
            assertThat(choice.current()).as("after %d", s).isEqualTo(1);
        }
    }

    @Test
    void staysWithAHealthyServerAndIgnoresAFailureOfOneItLeft() {
        choice.failed(1, status(0));
        assertThat(choice.current()).isEqualTo(2);
        choice.failed(1, status(0));
        assertThat(choice.current()).as("a late failure of the server it already left moves nothing").isEqualTo(2);
        for (int i = 0; i < 100; i++) {
            choice.answered();
        }
        assertThat(choice.current()).as("no return to the first because it is first").isEqualTo(2);
    }

    @Test
    void aCallInterruptedByShutdownIsNoFailover() {
        Thread.currentThread().interrupt();
        try {
            choice.failed(1, status(0));
        } finally {
            Thread.interrupted();
        }
        assertThat(choice.current()).isEqualTo(1);
    }

    @Test
    void oneServerHasNowhereToGo() {
        ServerChoice single = new ServerChoice("policy", List.of("a:1"), 0, new FailoverMetrics(new PrometheusRegistry()));
        single.failed(0, status(0));
        assertThat(single.current()).isZero();
    }
}
