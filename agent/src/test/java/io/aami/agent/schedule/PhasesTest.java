package io.aami.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
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

    @Test
    void aNewJobFirstRunsWithinTheSpreadAtItsSeedsOffsetUnlessItsPhasedSlotComesSooner() {
        long interval = 3_600_000; // an hourly check
        long spread = Phases.FIRST_RUN_SPREAD.toMillis();
        long now = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        String seed = "agent-1/hourly";
        long offset = Phases.phaseMillis(seed, Phases.FIRST_RUN_SPREAD);
        assertThat(offset).isBetween(0L, spread - 1);

        long phaseFarAway = Math.floorMod(now + 1_800_000, interval); // phased slot half an hour away
        assertThat(Phases.firstSlotMillis(now, seed, phaseFarAway, interval)).isEqualTo(now + offset);

        long phaseRightNow = Math.floorMod(now, interval); // phased slot now: sooner than any offset
        assertThat(Phases.firstSlotMillis(now, seed, phaseRightNow, interval)).isEqualTo(now);
    }

    @Test
    void aJobWhoseIntervalIsWithinTheSpreadFirstRunsOnItsPhase() {
        long now = Instant.parse("2030-01-01T00:00:00.123Z").toEpochMilli();
        for (long interval : new long[] {1_000, 4_999, Phases.FIRST_RUN_SPREAD.toMillis()}) {
            long phase = Phases.phaseMillis("seed", Duration.ofMillis(interval));
            assertThat(Phases.firstSlotMillis(now, "seed", phase, interval))
                    .isEqualTo(Phases.nextSlotMillis(now, phase, interval));
        }
    }

    @Test
    void newJobsSpreadOverTheFirstFiveSecondsNotAllAtOnce() {
        int[] perSecond = new int[5];
        IntStream.range(0, 1_000).forEach(i ->
                perSecond[(int) (Phases.phaseMillis("agent-1/check-" + i, Phases.FIRST_RUN_SPREAD) / 1000)]++);
        // 1,000 over 5 buckets: 200 each, standard deviation about 13.
        assertThat(IntStream.of(perSecond).min().orElseThrow()).isGreaterThanOrEqualTo(140);
        assertThat(IntStream.of(perSecond).max().orElseThrow()).isLessThanOrEqualTo(260);
    }

    @Test
    void afterAnEarlyFirstRunTheJobReturnsToItsPhaseAtLeastHalfAnIntervalLater() {
        long interval = 60_000;
        long phase = 17_345;
        long base = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        // The early run 10 s before a phased slot: that slot is left out, the next one runs.
        long early = base + phase - 10_000;
        assertThat(Phases.slotAfterMillis(early, early + 5, phase, interval)).isEqualTo(base + phase + interval);
        // The early run 40 s before a phased slot: that slot runs.
        early = base + phase - 40_000;
        assertThat(Phases.slotAfterMillis(early, early + 5, phase, interval)).isEqualTo(base + phase);
        for (long t = base; t < base + interval; t += 997) {
            long next = Phases.slotAfterMillis(t, t, phase, interval);
            assertThat(next - t).isBetween(interval / 2, interval + interval / 2);
            assertThat(Math.floorMod(next - phase, interval)).isZero();
        }
    }

    @Test
    void afterAPhasedSlotTheNextIsOneIntervalLaterEvenWhenTheTimerFiresEarlyOrLate() {
        long interval = 60_000;
        long phase = 17_345;
        long slot = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli() + phase;
        assertThat(Phases.slotAfterMillis(slot, slot - 3, phase, interval)).isEqualTo(slot + interval);
        assertThat(Phases.slotAfterMillis(slot, slot, phase, interval)).isEqualTo(slot + interval);
        assertThat(Phases.slotAfterMillis(slot, slot + 200, phase, interval)).isEqualTo(slot + interval);
        // A timer that fired after the next slot had already passed (a suspended host) does not catch up.
        assertThat(Phases.slotAfterMillis(slot, slot + interval + 1, phase, interval)).isEqualTo(slot + 2 * interval);
    }

    @Test
    void aWallClockSteppedBackDoesNotMakeTheJobWaitOutTheStep() {
        long interval = 60_000;
        long phase = 17_345;
        long slot = Instant.parse("2030-01-01T01:00:00Z").toEpochMilli() + phase;
        long anHourEarlier = slot - 3_600_000 + 5;
        long next = Phases.slotAfterMillis(slot, anHourEarlier, phase, interval);
        assertThat(next - anHourEarlier).isBetween(0L, interval);
        assertThat(Math.floorMod(next - phase, interval)).isZero();
        // Stepped back by less than an interval: the slot that just ran is not run again, the next one is.
        assertThat(Phases.slotAfterMillis(slot, slot - 45_000, phase, interval)).isEqualTo(slot + interval);
    }

    @Test
    void aRestartedJobResumesAtTheSlotItWouldHaveHadHadTheAgentKeptRunning() {
        long interval = 3_600_000; // hourly
        long phase = 1_234_567;
        String seed = "agent-1/hourly";
        long slot = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli() + phase;
        // Last started on its phased slot, restarted 20 s later: the next slot an hour on, not within 5 s.
        long now = slot + 20_000;
        assertThat(Phases.startSlotMillis(OptionalLong.of(slot), now, seed, phase, interval)).isEqualTo(slot + interval);
        // Last started early (its first run), restarted before its next slot: the slot the running agent had armed.
        long early = slot - 10 * 60_000;
        assertThat(Phases.startSlotMillis(OptionalLong.of(early), early + 20_000, seed, phase, interval))
                .isEqualTo(Phases.slotAfterMillis(early, early + 5, phase, interval))
                .isEqualTo(slot + interval);
        assertThat(Phases.catchingUp(OptionalLong.of(slot), now, interval)).isFalse();
    }

    @Test
    void anUnknownLastStartOrOneInTheFutureMakesANewJobThatRunsWithinFiveSeconds() {
        long interval = 3_600_000;
        long phase = 1_234_567;
        String seed = "agent-1/hourly";
        long now = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        long asNew = Phases.firstSlotMillis(now, seed, phase, interval);
        assertThat(asNew - now).isLessThan(Phases.FIRST_RUN_SPREAD.toMillis());
        assertThat(Phases.startSlotMillis(OptionalLong.empty(), now, seed, phase, interval)).isEqualTo(asNew);
        // The wall clock stepped back an hour since that start: it says nothing about the cadence.
        OptionalLong ahead = OptionalLong.of(now + 3_600_000);
        assertThat(Phases.startSlotMillis(ahead, now, seed, phase, interval)).isEqualTo(asNew);
        assertThat(Phases.startSlotMillis(OptionalLong.of(now + 1), now, seed, phase, interval)).isEqualTo(asNew);
        assertThat(Phases.catchingUp(OptionalLong.empty(), now, interval)).isTrue();
        assertThat(Phases.catchingUp(ahead, now, interval)).isTrue();
    }

    @Test
    void overdueJobsAfterALongOutageSpreadOverAMinuteNotFiveSeconds() {
        long interval = 3_600_000;
        long now = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        long spread = Phases.OVERDUE_SPREAD.toMillis();
        int withinFirstRunSpread = 0;
        for (int i = 0; i < 1_000; i++) {
            String seed = "agent-1/check-" + i;
            long phase = Phases.phaseMillis(seed, Duration.ofMillis(interval));
            OptionalLong threeHoursAgo = OptionalLong.of(now - 3 * interval);
            long slot = Phases.startSlotMillis(threeHoursAgo, now, seed, phase, interval);
            assertThat(slot - now).isBetween(0L, spread - 1);
            assertThat(slot).isEqualTo(Math.min(Phases.nextSlotMillis(now, phase, interval),
                    now + Phases.phaseMillis(seed, Phases.OVERDUE_SPREAD)));
            withinFirstRunSpread += slot - now < Phases.FIRST_RUN_SPREAD.toMillis() ? 1 : 0;
            assertThat(Phases.catchingUp(threeHoursAgo, now, interval)).isTrue();
        }
        // 5 s of a minute: about 83 of 1,000 (standard deviation about 9), where a new job's rule would put all 1,000.
        assertThat(withinFirstRunSpread).isBetween(40, 130);
        // An overdue job whose interval is under the spread runs on its next phased slot.
        long phase = 17_345;
        assertThat(Phases.startSlotMillis(OptionalLong.of(now - 600_000), now, "s", phase, 30_000))
                .isEqualTo(Phases.nextSlotMillis(now, phase, 30_000));
    }

    @Test
    void whateverPastStartTheHistoryNamesTheJobRunsWithinOneAndAHalfIntervals() {
        long interval = 60_000;
        long phase = 17_345;
        long now = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
        for (long last = 0; last <= now; last += last < now - 4 * interval ? now / 97 : 1_009) {
            long slot = Phases.startSlotMillis(OptionalLong.of(last), now, "seed", phase, interval);
            assertThat(slot - now).isBetween(0L, interval + interval / 2);
            if (now - last < interval) {
                assertThat(Math.floorMod(slot - phase, interval)).as("on its phase").isZero();
            }
        }
    }
}
