package io.aami.agent.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.testing.MovableClock;
import io.aami.agent.transport.TransportException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReenrollmentTest {
    static final AgentCredentials CREDS = new AgentCredentials(UUID.randomUUID(), "t", "s", Instant.EPOCH, null, null);
    static final TransportException REJECTED = new TransportException(401, "UNAUTHORIZED", "who?", null, null);

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<AgentCredentials> enrolledAgain = new ArrayList<>();
    final Reenrollment reenrollment = new Reenrollment(new ReenrollmentRule(Duration.ofMinutes(10), clock), "heartbeat",
            enrolledAgain::add);

    @Test
    void theDecidingLoopEnrollsAgainOnlyOnceTheRuleIsMet() {
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(enrolledAgain).isEmpty();
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isTrue();
        assertThat(enrolledAgain).containsExactly(CREDS);
    }

    @Test
    void otherLoopsReportButNeitherStartNorEndASeries() {
        for (int i = 0; i < 5; i++) {
            assertThat(reenrollment.rejected("send-checks", CREDS, REJECTED)).isFalse();
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        reenrollment.accepted("policy");
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isTrue();
        assertThat(enrolledAgain).hasSize(1);
    }

    @Test
    void anAcceptedHeartbeatEndsTheSeries() {
        reenrollment.rejected("heartbeat", CREDS, REJECTED);
        clock.advance(Duration.ofMinutes(6));
        reenrollment.rejected("heartbeat", CREDS, REJECTED);
        reenrollment.accepted("heartbeat");
        clock.advance(Duration.ofMinutes(6));
        assertThat(reenrollment.rejected("heartbeat", CREDS, REJECTED)).isFalse();
        assertThat(enrolledAgain).isEmpty();
    }
}
