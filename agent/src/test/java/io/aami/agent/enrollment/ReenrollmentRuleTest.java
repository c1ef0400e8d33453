package io.aami.agent.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReenrollmentRuleTest {
    final Instant[] now = {Instant.parse("2030-01-01T00:00:00Z")};
    final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now[0];
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };
    final ReenrollmentRule rule = new ReenrollmentRule(Duration.ofMinutes(10), clock);

    @Test
    void manyRejectionsInABurstAreNotEnough() {
        for (int i = 0; i < 50; i++) {
            assertThat(rule.rejected()).isFalse();
            now[0] = now[0].plusSeconds(1);
        }
    }

    @Test
    void aLongOutageWithFewRejectionsIsNotEnough() {
        assertThat(rule.rejected()).isFalse();
        now[0] = now[0].plus(Duration.ofHours(1));
        assertThat(rule.rejected()).isFalse();
        now[0] = now[0].plus(Duration.ofHours(1));
        assertThat(rule.rejected()).isTrue();
    }

    @Test
    void anAcceptedRequestInBetweenStartsTheCountOver() {
        rule.rejected();
        now[0] = now[0].plus(Duration.ofMinutes(6));
        rule.rejected();
        rule.accepted();
        now[0] = now[0].plus(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isFalse();
        now[0] = now[0].plus(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isFalse();
        now[0] = now[0].plus(Duration.ofMinutes(6));
        assertThat(rule.rejected()).isTrue();
        // Having said yes once, it waits for a new series.
        assertThat(rule.rejected()).isFalse();
    }
}
