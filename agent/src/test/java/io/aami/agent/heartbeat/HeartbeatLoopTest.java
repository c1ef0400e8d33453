package io.aami.agent.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.TransportException;
import io.aami.agent.transport.UnusedTransport;
import io.aami.agent.util.StopSignal;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.contract.heartbeat.HeartbeatResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HeartbeatLoopTest {
    static final Duration CAP = Duration.ofSeconds(30);

    final Deque<Object> answers = new ArrayDeque<>();
    final RecordingRejections rejections = new RecordingRejections();
    final CredentialHolder holder = new CredentialHolder();
    final HeartbeatLoop loop = new HeartbeatLoop(new Answering(answers), holder,
            () -> new HeartbeatRequest("t", 1L, null, 0, null, null), Duration.ofSeconds(15), new StopSignal(),
            new Retry(Duration.ofSeconds(1), CAP, new SplittableRandom(5)), new AgentMetrics(), rejections);

    HeartbeatLoopTest() {
        holder.set(new AgentCredentials(UUID.randomUUID(), "t", "s", Instant.EPOCH, null, null));
    }

    @Test
    void everyVerdictOnTheCredentialGoesToTheOnePlace() {
        answers.add(new HeartbeatResponse(Instant.now(), 0));
        answers.add(new TransportException(401, "UNAUTHORIZED", "who?", null, null));
        answers.add(new TransportException(401, "CERTIFICATE_SUPERSEDED", "replaced", null, null));
        answers.add(new TransportException(503, "SERVER_BUSY", "busy", null, null));

        assertThat(loop.beatOnce()).isEqualTo(Duration.ofSeconds(15));
        loop.beatOnce();
        loop.beatOnce();
        loop.beatOnce();
        assertThat(rejections.accepted).containsExactly(HeartbeatLoop.LOOP);
        assertThat(rejections.rejected).containsExactly(HeartbeatLoop.LOOP, HeartbeatLoop.LOOP);
    }

    @Test
    void aRefusalThatIsNotAboutTheCredentialWaitsAboutTheCap() {
        answers.add(new TransportException(403, "FORBIDDEN", "not yours", null, null));
        assertThat(loop.beatOnce()).isBetween(CAP.dividedBy(2), CAP);
        // Revoked: refused for good, and enrolling again would be refused too (as before the retry helper).
        answers.add(new TransportException(403, "AGENT_REVOKED", "revoked", null, null));
        assertThat(loop.beatOnce()).isBetween(CAP.dividedBy(2), CAP);
        assertThat(rejections.rejected).isEmpty();
    }

    @Test
    void theServersRetryAfterIsWaitedOutUpToTheCap() {
        answers.add(new TransportException(429, "RATE_LIMITED", "slow down", CAP.minusSeconds(1), null));
        assertThat(loop.beatOnce()).isEqualTo(CAP.minusSeconds(1));
        answers.add(new TransportException(503, "SERVER_BUSY", "come back tomorrow", Duration.ofDays(1), null));
        assertThat(loop.beatOnce()).isEqualTo(CAP);
    }

    /** Answers heartbeats from a queue: a response, or an exception to throw. */
    record Answering(Deque<Object> answers) implements UnusedTransport {
        @Override
        public HeartbeatResponse heartbeat(AgentCredentials credentials, HeartbeatRequest request) {
            Object next = answers.remove();
            if (next instanceof TransportException e) {
                throw e;
            }
            return (HeartbeatResponse) next;
        }
    }
}
