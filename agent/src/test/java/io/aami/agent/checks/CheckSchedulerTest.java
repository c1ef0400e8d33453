package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.readPid;
import static io.aami.agent.checks.Fixtures.running;
import static io.aami.agent.checks.Fixtures.spec;
import static io.aami.server.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aami.agent.schedule.RunHistory;
import io.aami.contract.policy.CheckSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler end to end: real scripts on one-second intervals, results collected from the sink. */
class CheckSchedulerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(8);

    @TempDir
    Path stateDir;
    private final List<CheckExecution> results = new CopyOnWriteArrayList<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CheckMetrics metrics = new CheckMetrics(registry);
    private ScriptExecutor executor;
    private CheckScheduler scheduler;

    @BeforeEach
    void setUp() {
        executor = ScriptExecutorBuilder.in(stateDir).build();
    }

    @AfterEach
    void tearDown() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private CheckScheduler newScheduler(int maxConcurrent) {
        scheduler = new CheckScheduler("agent-1", executor, maxConcurrent, results::add, metrics, Clock.systemUTC(),
                RunHistory.inMemory());
        return scheduler;
    }

    private static CheckSpec everySecond(UUID id, String script, int timeoutSeconds) {
        return spec(id, "sh", script, List.of(), Map.of(), 1, timeoutSeconds);
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().matches("aami-check-\\d+")).count();
    }

    private long resultsOf(UUID id, String output) {
        return results.stream().filter(r -> r.checkId().equals(id) && r.output().equals(output)).count();
    }

    @Test
    void aChecksFingerprintInputIsItsSignedCanonicalFormEqualExactlyWhenTheCheckIs() {
        UUID id = UUID.fromString("00000000-0000-0000-0000-000000000001");
        CheckSpec check = spec(id, "/bin/sh", "exit 0", List.of("-x"), Map.of("B", "2", "A", "1"), 60, 10);
        CheckSpec same = spec(id, "/bin/sh", "exit 0", List.of("-x"), Map.of("A", "1", "B", "2"), 60, 10);
        assertThat(CheckScheduler.canonical(same)).isEqualTo(CheckScheduler.canonical(check));
        assertThat(new String(CheckScheduler.canonical(check), StandardCharsets.UTF_8))
                .contains("\"checks\":[{\"check_id\":\"" + id + "\"").contains("\"env\":{\"A\":\"1\",\"B\":\"2\"}");
        assertThat(CheckScheduler.canonical(spec(id, "/bin/sh", "exit 0", List.of("-x"), Map.of("A", "1", "B", "2"), 60, 11)))
                .isNotEqualTo(CheckScheduler.canonical(check));
    }

    @Test
    void checksRunOnScheduleAndReachTheSinkAndTheMetrics() throws Exception {
        UUID ok = UUID.randomUUID();
        UUID critical = UUID.randomUUID();
        newScheduler(4).apply(List.of(everySecond(ok, "echo fine", 5), everySecond(critical, "echo bad; exit 2", 5)));

        assertThat(within(PATIENCE, () -> resultsOf(ok, "fine\n") >= 2 && resultsOf(critical, "bad\n") >= 1)).isTrue();
        assertThat(scheduler.scheduledChecks()).isEqualTo(2);
        assertThat(metrics.scheduled.get()).isEqualTo(2.0);
        assertThat(metrics.runs.labelValues("ok").get()).isGreaterThanOrEqualTo(2.0);
        assertThat(metrics.runs.labelValues("critical").get()).isGreaterThanOrEqualTo(1.0);
        assertThat(metrics.duration.getCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aCheckStillRunningAtItsNextSlotIsSkippedAndCounted() throws Exception {
        UUID slow = UUID.randomUUID();
        newScheduler(4).apply(List.of(everySecond(slow, "sleep 1.6; echo slow", 10)));

        assertThat(within(PATIENCE, () -> resultsOf(slow, "slow\n") >= 1)).isTrue();
        assertThat(metrics.skipped.get()).isGreaterThanOrEqualTo(1.0);
        assertThat(results).allSatisfy(r -> assertThat(r.timedOut()).isFalse());
    }

    @Test
    void timeoutsAreCountedAsUnknown() throws Exception {
        UUID hang = UUID.randomUUID();
        newScheduler(4).apply(List.of(everySecond(hang, "sleep 30", 1)));

        assertThat(within(PATIENCE, () -> !results.isEmpty())).isTrue();
        assertThat(results.get(0).timedOut()).isTrue();
        assertThat(metrics.timedOut.get()).isGreaterThanOrEqualTo(1.0);
        assertThat(metrics.runs.labelValues("unknown").get()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void noMoreThanMaxConcurrentScriptsRunAtOnce() throws Exception {
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx--x--x"));
        Path slots = Files.createDirectory(stateDir.resolve("slots"));
        Files.setPosixFilePermissions(slots, PosixFilePermissions.fromString("rwxrwxrwx"));
        // Each run takes the lowest free slot directory (mkdir is atomic), so a third concurrent run would take slot3.
        String script = "for i in 1 2 3 4 5 6; do if mkdir " + slots + "/slot$i 2>/dev/null; then s=$i; break; fi; done;"
                + " echo slot=$s; sleep 1; rmdir " + slots + "/slot$s";
        List<CheckSpec> checks = List.of(everySecond(UUID.randomUUID(), script, 10),
                everySecond(UUID.randomUUID(), script, 10), everySecond(UUID.randomUUID(), script, 10),
                everySecond(UUID.randomUUID(), script, 10));

        newScheduler(2).apply(checks);

        AtomicLong mostWorkers = new AtomicLong();
        assertThat(within(PATIENCE, () -> {
            mostWorkers.accumulateAndGet(workerThreads(), Math::max);
            return results.size() >= 4;
        })).isTrue();
        assertThat(results).extracting(CheckExecution::output).allSatisfy(o -> assertThat(o).isIn("slot=1\n", "slot=2\n"));
        assertThat(results).extracting(CheckExecution::output).contains("slot=2\n");
        // Checks waiting for a permit count as running: their slots are skipped, not queued as more waiting runs.
        assertThat(metrics.skipped.get()).isGreaterThanOrEqualTo(1.0);
        assertThat(mostWorkers.get()).isBetween(2L, 4L);
    }

    @Test
    void hotReloadRestartsChangedChecksAndStopsRemovedOnesAfterDeliveringTheirRunInFlight() throws Exception {
        UUID changing = UUID.randomUUID();
        UUID leaving = UUID.randomUUID();
        newScheduler(4).apply(List.of(everySecond(changing, "echo v1", 5),
                everySecond(leaving, "touch started; sleep 1.5; echo last words", 5)));
        Path started = stateDir.resolve("work").resolve(leaving.toString()).resolve("started");
        assertThat(within(PATIENCE, () -> resultsOf(changing, "v1\n") >= 1 && Files.exists(started))).isTrue();
        assertThat(resultsOf(leaving, "last words\n")).as("still in flight").isZero();

        scheduler.apply(List.of(everySecond(changing, "echo v2", 5)));
        long v1Results = resultsOf(changing, "v1\n");

        assertThat(within(PATIENCE, () -> resultsOf(changing, "v2\n") >= 1)).isTrue();
        assertThat(resultsOf(changing, "v1\n")).isLessThanOrEqualTo(v1Results + 1);
        assertThat(within(PATIENCE, () -> resultsOf(leaving, "last words\n") == 1)).as("the run in flight is delivered")
                .isTrue();
        long leavingResults = results.stream().filter(r -> r.checkId().equals(leaving)).count();
        Thread.sleep(1100);
        assertThat(results.stream().filter(r -> r.checkId().equals(leaving)).count()).isEqualTo(leavingResults);
        assertThat(scheduler.scheduledChecks()).isEqualTo(1);
        assertThat(metrics.scheduled.get()).isEqualTo(1.0);
        try (var scripts = Files.list(stateDir.resolve("scripts"))) {
            assertThat(scripts.map(p -> p.getFileName().toString()))
                    .as("the scripts of v1 and of the removed check are deleted; the run in flight still finished")
                    .containsExactly(ScriptStore.sha256Hex("echo v2".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".sh");
        }
    }

    @Test
    void anInvalidPolicyIsRejectedWholeAndChangesNothing() throws Exception {
        newScheduler(1).apply(List.of(everySecond(UUID.randomUUID(), "echo a", 5)));
        UUID bad = UUID.randomUUID();
        CheckSpec zeroInterval = spec(bad, "sh", "echo", List.of(), Map.of(), 0, 5);

        assertThatThrownBy(() -> scheduler.apply(List.of(zeroInterval)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("interval_seconds");
        assertThat(scheduler.scheduledChecks()).isEqualTo(1);
        assertThatThrownBy(() -> newScheduler(0)).hasMessageContaining("maxConcurrent");
    }

    @Test
    void closeStopsPromptlyAndKillsRunningScripts() throws Exception {
        UUID id = UUID.randomUUID();
        newScheduler(4).apply(List.of(everySecond(id, "echo $$ > leader.pid; sleep 300", 300)));
        Path pidFile = stateDir.resolve("work").resolve(id.toString()).resolve("leader.pid");
        assertThat(within(PATIENCE, () -> Files.exists(pidFile))).isTrue();
        assertThat(within(PATIENCE, () -> {
            try {
                return !Files.readString(pidFile).isBlank();
            } catch (java.io.IOException e) {
                return false;
            }
        })).isTrue();
        long pid = readPid(pidFile);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> scheduler.close());

        assertThat(running(pid)).isFalse();
        assertThat(results).isEmpty();
        assertThat(metrics.scheduled.get()).isZero();
    }
}
