package io.aami.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PhasesTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    @Test
    void theSameSeedAndIntervalAlwaysGiveTheSamePhaseWithinTheInterval() {
        long phase = Phases.phaseMillis("agent-1/check-1", MINUTE);
        assertThat(Phases.phaseMillis("agent-1/check-1", MINUTE)).isEqualTo(phase);
        assertThat(phase).isBetween(0L, 59_999L);
        assertThat(Phases.phaseMillis("agent-2/check-1", MINUTE)).isNotEqualTo(phase);
        assertThat(Phases.phaseMillis("agent-1/check-1", Duration.ofSeconds(1))).isBetween(0L, 999L);
    }

    @Test
    void aFleetWithTheSameCheckSpreadsEvenlyOverTheInterval() {
        int[] perSecond = new int[60];
        IntStream.range(0, 10_000).forEach(i ->
                perSecond[(int) (Phases.phaseMillis("agent-" + i + "/check-1", MINUTE) / 1000)]++);
        // 10,000 over 60 buckets: about 167 each, standard deviation about 13; a clumping hash fails this.
        assertThat(IntStream.of(perSecond).min().orElseThrow()).isGreaterThanOrEqualTo(100);
        assertThat(IntStream.of(perSecond).max().orElseThrow()).isLessThanOrEqualTo(240);
    }

    @Test
    void seedsThatDifferInOneCharacterDoNotLandNextToEachOther() {
        long a = Phases.phaseMillis("agent-10/check", MINUTE);
        long b = Phases.phaseMillis("agent-11/check", MINUTE);
        long c = Phases.phaseMillis("agent-12/check", MINUTE);
        // String.hashCode would put these 1, 1, 2 ms apart (times 31 at most); SHA-256 scatters them.
        assertThat(Math.abs(a - b) + Math.abs(b - c)).isGreaterThan(1000);
    }

    @Test
    void nextSlotIsTheFirstPhaseAlignedInstantAtOrAfterNow() {
        long interval = 60_000;
        long phase = 17_345;
        long now = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        for (long t = now; t < now + 3 * interval; t += 7_919) {
            long slot = Phases.nextSlotMillis(t, phase, interval);
            assertThat(slot).isGreaterThanOrEqualTo(t).isLessThan(t + interval);
            assertThat(Math.floorMod(slot - phase, interval)).isZero();
        }
        long exactSlot = now + phase;
        assertThat(Phases.nextSlotMillis(exactSlot, phase, interval)).isEqualTo(exactSlot);
        assertThat(Phases.nextSlotMillis(exactSlot + 1, phase, interval)).isEqualTo(exactSlot + interval);
        assertThat(Instant.ofEpochMilli(Phases.nextSlotMillis(now, phase, interval)))
                .isEqualTo(Instant.parse("2030-01-01T00:00:17.345Z"));
    }
}
