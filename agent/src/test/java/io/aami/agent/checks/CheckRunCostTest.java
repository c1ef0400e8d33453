package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.readPid;
import static io.aami.agent.checks.Fixtures.running;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a check run costs, for real (root, 'nobody', the host's cgroups): in a cgroup mode the run is
 * one process that execs setsid, the root sh that joins the cgroup and sets the limits, setpriv, env
 * and the interpreter (no prlimit), with its limits hard; an emptied cgroup serves the next run, and
 * one with something left in it is killed and removed, never reused.
 */
class CheckRunCostTest {
    /** The run's pids (v1) or only (v2) cgroup, its limits (soft and hard), and the commands of its pid's ancestry. */
    private static final String REPORT = "grep -E '^[0-9]+:(pids|):' /proc/self/cgroup | head -1 | cut -d: -f3-\n"
            + "grep -E '^Max (cpu time|address space|open files) ' /proc/self/limits | tr -s ' '\n";

    @TempDir
    Path stateDir;
    private ScriptExecutor executor;

    @BeforeEach
    void setUp() {
        assumeTrue(Fixtures.isRoot(), "cgroups need root, as the agent runs in production");
        executor = ScriptExecutorBuilder.in(stateDir).containment("cgroup").build();
    }

    @AfterEach
    void tearDown() {
        if (executor != null) {
            executor.close();
        }
    }

    @Test
    void theHostsShSetsTheLimitsSoNoPrlimitRunsAndTheyAreHard() throws Exception {
        assertThat(ShellLimits.probe(SystemTools.detect().sh(), ScriptLimits.DEFAULTS)).as("dash and bash can").isTrue();

        CheckSpec spec = spec(UUID.randomUUID(), "sh", REPORT, List.of(), Map.of(), 60, 5);
        CheckExecution e = executor.execute(spec);

        assertThat(e.status()).as(e.output()).isEqualTo("ok");
        assertThat(e.output()).contains("Max cpu time 6 6 seconds", "Max address space 1073741824 1073741824 bytes",
                "Max open files 256 256 files");
    }

    @Test
    void anEmptiedCgroupServesTheNextRunAndOneWithALeftoverIsRemoved() throws Exception {
        String first = executor.execute(spec("sh", REPORT)).output().lines().findFirst().orElseThrow();
        String second = executor.execute(spec("sh", REPORT)).output().lines().findFirst().orElseThrow();
        assertThat(second).as("the same cgroup, emptied, serves the next run").isEqualTo(first).contains("/run-");

        CheckSpec leaves = spec(UUID.randomUUID(), "sh", REPORT + "sleep 300 >/dev/null 2>&1 & echo $! > bg.pid\n",
                List.of(), Map.of(), 60, 5);
        CheckExecution left = executor.execute(leaves);
        long bg = readPid(stateDir.resolve("work").resolve(leaves.checkId().toString()).resolve("bg.pid"));
        assertThat(running(bg)).as("the background child dies with the run").isFalse();
        assertThat(left.output()).startsWith(first);
        String after = executor.execute(spec("sh", REPORT)).output().lines().findFirst().orElseThrow();
        assertThat(after).as("a cgroup that held a leftover is not reused").isNotEqualTo(first).contains("/run-");
        assertThat(cgroupDirs(first)).allSatisfy(dir -> assertThat(dir).doesNotExist());

        executor.close();
        assertThat(cgroupDirs(after)).as("closing removes the kept cgroups").allSatisfy(dir -> assertThat(dir).doesNotExist());
        executor = null;
    }

    @Test
    void aCgroupRunReadsItsOutputOnItsOwnThreadWithNoReaderThreadPerRun() throws Exception {
        CheckSpec spec = spec("sh", "echo first; sleep 1; echo second");
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return executor.execute(spec);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        java.util.Set<String> readers = new java.util.TreeSet<>();
        while (!run.isDone()) {
            Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.startsWith("aami-check-output-")).forEach(readers::add);
            Thread.sleep(10);
        }
        CheckExecution e = run.get();

        assertThat(e.status()).as(e.output()).isEqualTo("ok");
        assertThat(e.output()).isEqualTo("first\nsecond\n");
        assertThat(readers).as("output reader threads seen during the run").isEmpty();
    }

    @Test
    void aCgroupRunsHundredMegabytesAreCappedDrainedAndTheExitCodeKept() throws Exception {
        CheckExecution e = executor.execute(spec("sh", "head -c 100000000 /dev/zero | tr '\\0' x; exit 2"));

        assertThat(e.exitCode()).as(e.output()).isEqualTo(2);
        assertThat(e.status()).isEqualTo("critical");
        assertThat(e.truncated()).isTrue();
        assertThat(e.timedOut()).isFalse();
        assertThat(e.output()).hasSize(4096).matches("x+");
    }

    @Test
    void aBackgroundChildHoldingTheOutputEndsWithTheScriptNotAtTheTimeout() throws Exception {
        CheckExecution e = executor.execute(spec(UUID.randomUUID(), "sh", "sleep 300 & echo started", List.of(),
                Map.of(), 60, 20));

        assertThat(e.status()).as(e.output()).isEqualTo("ok");
        assertThat(e.output()).isEqualTo("started\n");
        assertThat(e.timedOut()).isFalse();
        assertThat(e.durationMs()).as("the child holding stdout is killed at the script's exit").isLessThan(10_000);
    }

    /** The run's directory in every mounted hierarchy that has it by that path. */
    private static List<Path> cgroupDirs(String cgroup) throws Exception {
        try (var mounts = Files.list(Path.of("/sys/fs/cgroup"))) {
            List<Path> roots = new java.util.ArrayList<>(mounts.toList());
            roots.add(Path.of("/sys/fs/cgroup"));
            return roots.stream().map(root -> Path.of(root + cgroup)).filter(p -> p.toString().contains("/run-")).toList();
        }
    }
}
