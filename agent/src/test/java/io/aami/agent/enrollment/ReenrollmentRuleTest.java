package io.aami.agent.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReenrollmentRuleTest {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final ReenrollmentRule rule = new ReenrollmentRule(Duration.ofMinutes(10), clock);

    @Test
    void manyRejectionsInABurstAreNotEnough() {
        for (int i = 0; i < 50; i++) {
            assertThat(rule.rejected()).isFalse();
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void aLongOutageWithFewRejectionsIsNotEnough() {
        assertThat(rule.rejected()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(rule.rejected()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(rule.rejected()).isTrue();
    }

    @Test
    void anAcceptedRequestInBetweenStartsTheCountOver() {
        rule.rejected();
        clock.advance(Duration.ofMinutes(6));
        rule.rejected();
        rule.accepted();
        clock.advance(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isFalse();
        clock.advance(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isFalse();
        clock.advance(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isTrue();
        // Having said yes once, it waits for a new series.
        assertThat(rule.rejected()).isFalse();
    }
}
