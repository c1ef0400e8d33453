package io.aami.agent.schedule;

import static io.aami.server.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.testing.MovableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart is a new scheduler reading the history file the previous one wrote, on a wall clock a
 * test moves. Hourly jobs whose first run comes within 400 ms of their appearing keep the test short:
 * without the history they would all run again that soon after the restart.
 */
class SchedulerRestartTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(T0);
    /** Each run as "key=spec", and how long after the (still) clock's now the slot it ran for lay. */
    private final List<String> runs = new CopyOnWriteArrayList<>();
    private final Map<String, Long> slotInMs = new ConcurrentHashMap<>();
    private final List<PhasedScheduler<String>> schedulers = new ArrayList<>();

    @AfterEach
    void close() {
        schedulers.forEach(PhasedScheduler::close);
    }

    /** A new agent process: a scheduler with the history in {@code dir}. */
    private PhasedScheduler<String> start() {
        AtomicReference<PhasedScheduler<String>> self = new AtomicReference<>();
        PhasedScheduler<String> s = new PhasedScheduler<>("test", clock, (key, spec) -> {
            // Called as the slot fires, while nextRun still names that slot.
            slotInMs.put(key, inMs(self.get(), key, clock.instant()));
            runs.add(key + "=" + spec);
            return CompletableFuture.completedFuture(null);
        }, SkipListener.NONE, RunHistory.open(RunHistory.fileIn(dir, "test"), "test"),
                spec -> spec.getBytes(StandardCharsets.UTF_8));
        self.set(s);
        schedulers.add(s);
        return s;
    }

    /**
     * {@code n} hourly job keys (each its own seed) that first run under 400 ms after appearing at
     * {@link #T0}, and whose phased slots lie clear of T0 + ½ hour, where both the running and the
     * restarted scheduler count the next slot from (the clock stands still while they run).
     */
    private static List<String> quickKeys(int n) {
        List<String> keys = new ArrayList<>();
        long t0 = T0.toEpochMilli();
        for (int i = 0; keys.size() < n; i++) {
            String key = "job-" + i;
            long phase = Phases.phaseMillis(key, HOUR);
            long halfway = t0 + HOUR.toMillis() / 2;
            if (Phases.phaseMillis(key, Phases.FIRST_RUN_SPREAD) < 400
                    && Phases.nextSlotMillis(t0, phase, HOUR.toMillis()) > t0 + Phases.FIRST_RUN_SPREAD.toMillis()
                    && Phases.nextSlotMillis(halfway, phase, HOUR.toMillis()) > halfway + 1_000) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Map<String, JobDefinition<String>> jobs(List<String> keys, String spec) {
        Map<String, JobDefinition<String>> jobs = new LinkedHashMap<>();
        keys.forEach(k -> jobs.put(k, new JobDefinition<>(HOUR, k, spec)));
        return jobs;
    }

    private long runsOf(String key) {
        return runs.stream().filter(r -> r.startsWith(key + "=")).count();
    }

    private static long inMs(PhasedScheduler<?> s, String key, Instant now) {
        return s.nextRun(key).orElseThrow().toEpochMilli() - now.toEpochMilli();
    }

    @Test
    void unchangedJobsKeepTheirCadenceAcrossARestartWhileChangedAndAddedOnesRunAtOnce() throws Exception {
        List<String> keys = quickKeys(12);
        PhasedScheduler<String> first = start();
        first.apply(jobs(keys.subList(0, 11), "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == 11)).isTrue();
        Map<String, Instant> armed = new HashMap<>();
        keys.subList(0, 11).forEach(k -> armed.put(k, first.nextRun(k).orElseThrow()));
        first.close();
        runs.clear();

        clock.advance(Duration.ofSeconds(20)); // a package upgrade restarts the agent
        PhasedScheduler<String> second = start();
        Map<String, JobDefinition<String>> policy = jobs(keys.subList(1, 12), "v1");
        policy.put(keys.get(0), new JobDefinition<>(HOUR, keys.get(0), "v2")); // changed
        second.apply(policy);                                                    // keys.get(11): added

        for (String unchanged : keys.subList(1, 11)) {
            assertThat(inMs(second, unchanged, clock.instant())).isGreaterThan(Phases.FIRST_RUN_SPREAD.toMillis());
            assertThat(second.nextRun(unchanged)).as("the slot the first process had armed").contains(armed.get(unchanged));
        }
        assertThat(within(PATIENCE, () -> runs.size() == 2)).isTrue();
        Thread.sleep(600); // every unchanged job would have run by now, had it started as a new one
        assertThat(runs).containsExactlyInAnyOrder(keys.get(0) + "=v2", keys.get(11) + "=v1");
        assertThat(slotInMs.get(keys.get(0))).isLessThan(Phases.FIRST_RUN_SPREAD.toMillis());
        assertThat(slotInMs.get(keys.get(11))).isLessThan(Phases.FIRST_RUN_SPREAD.toMillis());
    }

    @Test
    void aCorruptHistoryFileStartsEveryJobAsNewAndIsReplacedByOneTheNextRestartResumesFrom() throws Exception {
        List<String> keys = quickKeys(5);
        Files.writeString(RunHistory.fileIn(dir, "test"), "\u0000\u0001 not a history file");
        PhasedScheduler<String> first = start();
        first.apply(jobs(keys, "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == keys.size())).isTrue();
        keys.forEach(k -> assertThat(slotInMs.get(k)).isLessThan(Phases.FIRST_RUN_SPREAD.toMillis()));
        first.close();
        runs.clear();

        clock.advance(Duration.ofSeconds(20));
        PhasedScheduler<String> second = start();
        second.apply(jobs(keys, "v1"));
        keys.forEach(k -> assertThat(inMs(second, k, clock.instant())).isGreaterThan(HOUR.toMillis() / 4));
        Thread.sleep(600);
        assertThat(runs).isEmpty();
    }

    @Test
    void aLastStartInTheFutureAfterTheClockSteppedBackIsUnknownSoTheJobRunsAtOnce() throws Exception {
        List<String> keys = quickKeys(3);
        PhasedScheduler<String> first = start();
        first.apply(jobs(keys, "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == keys.size())).isTrue();
        first.close();

        runs.clear();
        slotInMs.clear();

        clock.advance(Duration.ofHours(-2)); // the restarted host's clock is two hours behind
        PhasedScheduler<String> second = start();
        second.apply(jobs(keys, "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == keys.size())).isTrue();
        keys.forEach(k -> assertThat(slotInMs.get(k)).isBetween(0L, Phases.FIRST_RUN_SPREAD.toMillis() - 1));
    }

    @Test
    void jobsRemovedFromThePolicyAreForgottenAndStartAsNewIfTheyReturn() throws Exception {
        List<String> keys = quickKeys(2);
        PhasedScheduler<String> first = start();
        first.apply(jobs(keys, "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == 2)).isTrue();
        first.apply(jobs(keys.subList(0, 1), "v1"));
        first.close();
        assertThat(Files.readAllLines(RunHistory.fileIn(dir, "test"))).hasSize(2).noneMatch(l -> l.endsWith(" " + keys.get(1)));

        clock.advance(Duration.ofSeconds(20));
        PhasedScheduler<String> second = start();
        runs.clear();
        second.apply(jobs(keys, "v1"));
        assertThat(inMs(second, keys.get(0), clock.instant())).isGreaterThan(Phases.FIRST_RUN_SPREAD.toMillis());
        assertThat(within(PATIENCE, () -> runs.size() == 1)).isTrue();
        assertThat(runs).containsExactly(keys.get(1) + "=v1");
    }

    @Test
    void anAgentKilledAfterItsFirstRunsStillResumesThemSoACrashLoopDoesNotRepeatThem() throws Exception {
        List<String> keys = quickKeys(3);
        PhasedScheduler<String> killed = start();
        killed.apply(jobs(keys, "v1"));
        assertThat(within(PATIENCE, () -> runs.size() == keys.size())).isTrue();
        // Never closed: the first runs reach the disk anyway, well before the periodic write.
        Path file = RunHistory.fileIn(dir, "test");
        assertThat(within(RunHistory.PROMPT_FLUSH_DELAY.plus(PATIENCE), () -> Files.exists(file))).isTrue();
        assertThat(RunHistory.PROMPT_FLUSH_DELAY).isLessThan(RunHistory.FLUSH_INTERVAL);

        clock.advance(Duration.ofSeconds(10));
        PhasedScheduler<String> restarted = start();
        restarted.apply(jobs(keys, "v1"));
        keys.forEach(k -> assertThat(inMs(restarted, k, clock.instant())).isGreaterThan(HOUR.toMillis() / 4));
    }
}
