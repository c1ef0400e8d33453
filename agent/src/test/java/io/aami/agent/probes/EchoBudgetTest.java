package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EchoBudgetTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final EchoBudget budget = new EchoBudget(clock);

    @Test
    void aCallTakesItsEchoesWholeOrNotAtAllAndTheBucketRefillsAtItsRate() {
        assertThat(budget.tryTake(EchoBudget.BURST)).isTrue();
        assertThat(budget.tryTake(1)).as("empty").isFalse();
        assertThat(budget.secondsUntil(2_500)).isEqualTo(3);
        clock.advance(Duration.ofMillis(500));
        assertThat(budget.tryTake(501)).as("500 refilled, not 501").isFalse();
        assertThat(budget.tryTake(500)).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(budget.tryTake(EchoBudget.BURST + 1)).as("never past the burst").isFalse();
    }

    @Test
    void echoesGivenBackForACallThatSentNothingCanBeTakenAgainButNeverPastTheBurst() {
        assertThat(budget.tryTake(EchoBudget.BURST)).isTrue();
        budget.giveBack(EchoBudget.BURST);
        assertThat(budget.tryTake(EchoBudget.BURST)).isTrue();
        budget.giveBack(EchoBudget.BURST * 3L);
        assertThat(budget.tryTake(EchoBudget.BURST + 1)).isFalse();
        assertThat(budget.tryTake(EchoBudget.BURST)).isTrue();
    }
}
