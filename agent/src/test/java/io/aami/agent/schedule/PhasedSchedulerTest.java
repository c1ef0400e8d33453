package io.aami.agent.schedule;

import static io.aami.server.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real time with one-second intervals, the shortest a job may have, and one-minute jobs on a shifted clock for the first run. */
class PhasedSchedulerTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /** One run as the runner saw it: the spec and the slot it was started for. */
    record Run(String key, String spec, Instant slot, CompletableFuture<Void> done) {
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final AtomicInteger skips = new AtomicInteger();
    private boolean completeRunsAtOnce = true;
    private PhasedScheduler<String> scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private PhasedScheduler<String> newScheduler() {
        return newScheduler(Clock.systemUTC());
    }

    private PhasedScheduler<String> newScheduler(Clock clock) {
        scheduler = new PhasedScheduler<>("test", clock, (key, spec) -> {
            // The runner is called as the slot fires, while nextRun still names that slot.
            Run run = new Run(key, spec, scheduler.nextRun(key).orElseThrow(), new CompletableFuture<>());
            runs.add(run);
            if (completeRunsAtOnce) {
                run.done().complete(null);
            }
            return run.done();
        }, key -> skips.incrementAndGet());
        return scheduler;
    }

    private static Map<String, JobDefinition<String>> job(String key, String spec, String seed) {
        return Map.of(key, new JobDefinition<>(SECOND, seed, spec));
    }

    private long runsOf(String spec) {
        return runs.stream().filter(r -> r.spec().equals(spec)).count();
    }

    @Test
    void runsOncePerSlotAtItsSeedDerivedPhase() throws Exception {
        newScheduler().apply(job("a", "v1", "agent-1/a"));
        assertThat(within(PATIENCE, () -> runs.size() >= 2)).isTrue();
        long phase = Phases.phaseMillis("agent-1/a", SECOND);
        List<Long> slots = runs.stream().map(r -> r.slot().toEpochMilli()).limit(2).toList();
        assertThat(slots).allSatisfy(slot -> assertThat(Math.floorMod(slot - phase, 1000L)).isZero());
        assertThat(slots.get(1) - slots.get(0)).isEqualTo(1000);
        assertThat(Math.floorMod(scheduler.nextRun("a").orElseThrow().toEpochMilli() - phase, 1000L)).isZero();
    }

    /** A clock whose "now" lies {@code ahead} ms before the next slot of a one-minute job seeded {@code seed}. */
    private static Clock clockWithPhasedSlotAhead(String seed, long aheadMs) {
        long phase = Phases.phaseMillis(seed, MINUTE);
        long realNow = System.currentTimeMillis();
        return Clock.offset(Clock.systemUTC(), Duration.ofMillis(Math.floorMod(phase - aheadMs - realNow, MINUTE.toMillis())));
    }

    @Test
    void aNewMinuteJobFirstRunsWithinFiveSecondsThenReturnsToItsPhase() throws Exception {
        Clock clock = clockWithPhasedSlotAhead("agent-1/new", 30_000);
        long offset = Phases.phaseMillis("agent-1/new", Phases.FIRST_RUN_SPREAD);
        long before = clock.millis();
        newScheduler(clock).apply(Map.of("new", new JobDefinition<>(MINUTE, "agent-1/new", "v1")));
        long after = clock.millis();

        assertThat(scheduler.nextRun("new").orElseThrow().toEpochMilli()).isBetween(before + offset, after + offset);
        assertThat(within(Phases.FIRST_RUN_SPREAD.plus(PATIENCE), () -> runs.size() == 1)).isTrue();
        long first = runs.get(0).slot().toEpochMilli();
        long next = scheduler.nextRun("new").orElseThrow().toEpochMilli();
        assertThat(Math.floorMod(next - Phases.phaseMillis("agent-1/new", MINUTE), MINUTE.toMillis())).isZero();
        assertThat(next - first).isBetween(MINUTE.toMillis() / 2, MINUTE.toMillis() * 3 / 2);
    }

    @Test
    void aPolicyUpdateRunsTheAddedJobEarlyAndLeavesTheUnchangedOnesOnTheirSlots() throws Exception {
        Clock clock = clockWithPhasedSlotAhead("agent-1/old", 40_000);
        newScheduler(clock).apply(Map.of("old", new JobDefinition<>(MINUTE, "agent-1/old", "old")));
        assertThat(within(Phases.FIRST_RUN_SPREAD.plus(PATIENCE), () -> runsOf("old") == 1)).isTrue();
        Instant oldNext = scheduler.nextRun("old").orElseThrow();
        Object oldJob = scheduler.jobIdentity("old");

        scheduler.apply(Map.of("old", new JobDefinition<>(MINUTE, "agent-1/old", "old"),
                "added", new JobDefinition<>(MINUTE, "agent-1/added", "added")));

        assertThat(within(Phases.FIRST_RUN_SPREAD.plus(PATIENCE), () -> runsOf("added") == 1)).isTrue();
        assertThat(scheduler.jobIdentity("old")).isSameAs(oldJob);
        assertThat(scheduler.nextRun("old")).contains(oldNext);
        assertThat(runsOf("old")).isEqualTo(1);
    }

    @Test
    void aSlotReachedWhileTheJobStillRunsIsSkippedAndCountedNotQueued() throws Exception {
        completeRunsAtOnce = false;
        newScheduler().apply(job("a", "v1", "seed"));
        assertThat(within(PATIENCE, () -> skips.get() >= 1)).isTrue();
        assertThat(runs).hasSize(1);

        runs.get(0).done().complete(null);
        assertThat(within(PATIENCE, () -> runs.size() == 2)).isTrue();
        assertThat(runs.get(1).slot()).isAfter(runs.get(0).slot());
    }

    @Test
    void reapplyingAnUnchangedDefinitionKeepsTheScheduledJobAndItsNextSlot() throws Exception {
        newScheduler().apply(job("a", "v1", "seed"));
        Object before = scheduler.jobIdentity("a");
        Instant next = scheduler.nextRun("a").orElseThrow();
        int runsBefore = runs.size();

        scheduler.apply(job("a", new String("v1"), new String("seed")));

        assertThat(scheduler.jobIdentity("a")).isSameAs(before);
        // Unless the slot happened to fire between the two reads, the schedule is exactly as it was.
        assertThat(scheduler.nextRun("a").orElseThrow()).isIn(next, next.plusSeconds(1));
        assertThat(runs.size()).isLessThanOrEqualTo(runsBefore + 1);
    }

    @Test
    void aChangedDefinitionRestartsOnTheNewSpecAndPhase() throws Exception {
        newScheduler().apply(job("a", "v1", "seed-1"));
        assertThat(within(PATIENCE, () -> runsOf("v1") >= 1)).isTrue();
        Object before = scheduler.jobIdentity("a");

        scheduler.apply(job("a", "v2", "seed-2"));
        long v1Runs = runsOf("v1");

        assertThat(scheduler.jobIdentity("a")).isNotSameAs(before);
        long newPhase = Phases.phaseMillis("seed-2", SECOND);
        assertThat(Math.floorMod(scheduler.nextRun("a").orElseThrow().toEpochMilli() - newPhase, 1000L)).isZero();
        assertThat(within(PATIENCE, () -> runsOf("v2") >= 1)).isTrue();
        assertThat(runsOf("v1")).isEqualTo(v1Runs);
    }

    @Test
    void aChangedJobDoesNotStartBesideItsPreviousRunStillInFlight() throws Exception {
        completeRunsAtOnce = false;
        newScheduler().apply(job("a", "v1", "seed"));
        assertThat(within(PATIENCE, () -> runs.size() == 1)).isTrue();

        scheduler.apply(job("a", "v2", "seed"));
        int skipsBefore = skips.get();
        assertThat(within(PATIENCE, () -> skips.get() > skipsBefore)).isTrue();
        assertThat(runsOf("v2")).isZero();

        runs.get(0).done().complete(null);
        assertThat(within(PATIENCE, () -> runsOf("v2") == 1)).isTrue();
    }

    @Test
    void aRemovedJobGetsNoMoreSlotsButItsRunInFlightIsLeftToFinish() throws Exception {
        completeRunsAtOnce = false;
        newScheduler().apply(Map.of("a", new JobDefinition<>(SECOND, "seed-a", "a"),
                "b", new JobDefinition<>(SECOND, "seed-b", "b")));
        assertThat(within(PATIENCE, () -> runsOf("a") == 1 && runsOf("b") == 1)).isTrue();

        scheduler.apply(job("b", "b", "seed-b"));

        assertThat(scheduler.keys()).containsExactly("b");
        assertThat(scheduler.nextRun("a")).isEmpty();
        Run inFlight = runs.stream().filter(r -> r.key().equals("a")).findFirst().orElseThrow();
        runs.stream().filter(r -> r.key().equals("b")).forEach(r -> r.done().complete(null));
        assertThat(within(PATIENCE, () -> runsOf("b") >= 2)).isTrue();
        assertThat(runsOf("a")).isEqualTo(1);
        assertThat(inFlight.done()).isNotDone();
        assertThat(inFlight.done().complete(null)).isTrue();
    }

    @Test
    void aRunnerThatThrowsDoesNotStopTheJob() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        scheduler = new PhasedScheduler<>("test", Clock.systemUTC(), (key, spec) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("boom");
        }, SkipListener.NONE);
        scheduler.apply(job("a", "v1", "seed"));
        assertThat(within(PATIENCE, () -> attempts.get() >= 2)).isTrue();
    }

    @Test
    void blockingBodiesRunOnTheGivenExecutorAndCountAsRunningUntilDone() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-body"));
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        try {
            scheduler = new PhasedScheduler<>("test", Clock.systemUTC(), JobRunner.blocking(pool, (key, spec) -> {
                threads.add(Thread.currentThread().getName());
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), key -> skips.incrementAndGet());
            scheduler.apply(job("a", "v1", "seed"));
            assertThat(within(PATIENCE, () -> skips.get() >= 1)).isTrue();
            assertThat(threads).containsExactly("test-body");
            release.countDown();
            assertThat(within(PATIENCE, () -> threads.size() == 2)).isTrue();
        } finally {
            scheduler.close();
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closeStopsTheTimerAndRefusesFurtherWork() throws Exception {
        newScheduler().apply(job("a", "v1", "seed"));
        assertThat(within(PATIENCE, () -> runs.size() >= 1)).isTrue();

        scheduler.close();
        int runsAtClose = runs.size();

        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("aami-test-timer")) {
                t.join(5000); // the executor reports termination a moment before its thread is gone
                assertThat(t.isAlive()).isFalse();
            }
        }
        assertThatThrownBy(() -> scheduler.apply(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        Thread.sleep(1100);
        assertThat(runs).hasSize(runsAtClose);
    }

    @Test
    void definitionsAreValidated() {
        assertThatThrownBy(() -> new JobDefinition<>(Duration.ofMillis(999), "seed", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> new JobDefinition<>(Duration.ofNanos(1_000_000_001), "seed", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> new JobDefinition<>(SECOND, null, "x")).hasMessageContaining("phaseSeed");
        assertThatThrownBy(() -> newScheduler().apply(Map.of(" ", new JobDefinition<>(SECOND, "s", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
    }
}
