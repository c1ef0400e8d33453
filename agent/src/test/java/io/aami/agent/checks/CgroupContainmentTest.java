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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each run in a cgroup of its own, for real (root, 'nobody', the host's cgroups): what leaves the
 * script's session still dies with the run, and one run's processes do not count against another's.
 */
@ExtendWith(NobodysProcesses.class)
class CgroupContainmentTest {
    /** Prints the run's pids cgroup (v1) or its only cgroup (v2), as the kernel names it. */
    private static final String PRINT_CGROUP = "grep -E '^[0-9]+:(pids|):' /proc/self/cgroup | head -1 | cut -d: -f3-;";
    private static final Pattern CGROUP = Pattern.compile("^(/\\S*" + CgroupDetector.DIR + "/run-[0-9a-f-]+)$",
            Pattern.MULTILINE);
    /** Detaches in the two ways a process-group killer cannot see: a new session, and a double fork. */
    private static final String ESCAPE = "setsid sh -c 'echo $$ > setsid.pid; exec sleep 300' &\n"
            + "( ( sleep 301 & echo $! > double.pid ) & )\n"
            + "while [ ! -s setsid.pid ] || [ ! -s double.pid ]; do sleep 0.05; done\n";

    @TempDir
    Path stateDir;
    private final List<Long> strays = new java.util.ArrayList<>();

    @BeforeEach
    void requireRootAndCgroups() {
        assumeTrue(Fixtures.isRoot(), "cgroups need root, as the agent runs in production");
    }

    /** Before {@link NobodysProcesses} waits for the user's processes to be gone: what a test left on purpose. */
    @AfterEach
    void killStrays() {
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private ScriptExecutor executor(String mode) {
        return builder().containment(mode).build();
    }

    private Path workDir(CheckSpec spec) {
        return stateDir.resolve("work").resolve(spec.checkId().toString());
    }

    @Test
    void doubleForkedAndSetsidChildrenDieWithTheRunAndItsCgroupIsRemoved() throws Exception {
        ScriptExecutor executor = executor("cgroup");
        assertThat(executor.containmentMode()).startsWith("cgroup-");
        CheckSpec spec = spec("sh", PRINT_CGROUP + ESCAPE + "echo detached");

        CheckExecution e = executor.execute(spec);

        assertThat(e.output()).contains("detached");
        long setsid = readPid(workDir(spec).resolve("setsid.pid"));
        long doubleForked = readPid(workDir(spec).resolve("double.pid"));
        strays.addAll(List.of(setsid, doubleForked));
        assertThat(running(setsid)).as("setsid child").isFalse();
        assertThat(running(doubleForked)).as("double-forked child").isFalse();
        assertThat(runCgroupDirs(e.output())).as("the run's cgroup directories").isNotEmpty()
                .allSatisfy(dir -> assertThat(dir).doesNotExist());
    }

    @Test
    void withoutCgroupsTheSameScriptEscapesWhichIsWhatTheCgroupIsFor() throws Exception {
        CheckSpec spec = spec("sh", ESCAPE + "echo detached");

        executor("rlimit").execute(spec);

        long setsid = readPid(workDir(spec).resolve("setsid.pid"));
        strays.add(setsid);
        strays.add(readPid(workDir(spec).resolve("double.pid")));
        assertThat(running(setsid)).as("the rlimit fallback cannot hold a new session").isTrue();
    }

    @Test
    void aForkBombTimesOutInsideItsOwnProcessLimitAndNothingOfItSurvives() throws Exception {
        ScriptExecutor executor = executor("cgroup");
        CheckSpec bomb = spec(UUID.randomUUID(), "bash", PRINT_CGROUP + "f(){ f | f & }; f; sleep 30", List.of(),
                Map.of(), 60, 2);

        CheckExecution e = executor.execute(bomb);

        assertThat(e.timedOut()).isTrue();
        assertThat(e.output()).contains("Resource temporarily unavailable");
        assertThat(runCgroupDirs(e.output())).isNotEmpty().allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(noProcessIn(cgroupPath(e.output()))).as("processes left in the run's cgroup").isTrue();
    }

    @Test
    void aRunAtItsProcessLimitDoesNotMakeAConcurrentRunOfTheSameUserFailToFork() throws Exception {
        ScriptExecutor executor = executor("cgroup");
        assumeTrue(executor.containmentMode().equals("cgroup-v1"), "reads the v1 pids controller's counters");
        // 1 shell + 63 sleeps: the run's whole budget of 64, so its next fork would fail.
        CheckSpec hog = spec(UUID.randomUUID(), "sh", "i=0; while [ $i -lt 63 ]; do sleep 30 & i=$((i+1)); done\n"
                + "while IFS=: read -r n c p; do [ \"$c\" = pids ] && read cur < \"/sys/fs/cgroup/pids$p/pids.current\""
                + " && read max < \"/sys/fs/cgroup/pids$p/pids.max\"; done < /proc/self/cgroup\n"
                + "echo \"hogging $cur of $max\"; exec sleep 30\n", List.of(), Map.of(), 60, 4);
        CompletableFuture<CheckExecution> hogging = CompletableFuture.supplyAsync(() -> {
            try {
                return executor.execute(hog);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(1500);

        CheckExecution other = executor.execute(spec("sh",
                "i=0; while [ $i -lt 30 ]; do sleep 0.2 & i=$((i+1)); done; wait; echo forked 30"));

        assertThat(other.output()).isEqualTo("forked 30\n");
        assertThat(other.status()).isEqualTo("ok");
        CheckExecution hogged = hogging.get(60, TimeUnit.SECONDS);
        assertThat(hogged.output()).as("the hog held its whole budget meanwhile").isEqualTo("hogging 64 of 64\n");
        assertThat(hogged.timedOut()).isTrue();
    }

    @Test
    void runsLeftByADeadAgentProcessAreKilledAndRemovedWhenTheNextStarts() throws Exception {
        Path parent = Path.of("/sys/fs/cgroup/pids");
        assumeTrue(Files.isDirectory(parent), "the test places its leftover in the v1 pids hierarchy");
        executor("cgroup");
        Path base = Path.of(CgroupDetector.base(new CgroupDetector.Hierarchy(parent, "/", false, java.util.Set.of("pids")),
                ownPath("pids")).toString(), CgroupDetector.DIR);
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path leftover = Files.createDirectory(base.resolve("run-" + dead.pid() + "-1-abc-1"));
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        strays.add(sleeper.pid());
        CgroupFiles.write(leftover.resolve("cgroup.procs"), Long.toString(sleeper.pid()));

        executor("cgroup");

        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).as("the leftover's process was killed").isTrue();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void theRlimitFallbackStillKillsTheSessionAtTheTimeout() throws Exception {
        ScriptExecutor executor = executor("rlimit");
        assertThat(executor.containmentMode()).isEqualTo("rlimit");
        CheckSpec spec = spec(UUID.randomUUID(), "sh", "sleep 300 & echo $! > bg.pid; sleep 300", List.of(), Map.of(),
                60, 1);

        CheckExecution e = executor.execute(spec);

        assertThat(e.timedOut()).isTrue();
        assertThat(running(readPid(workDir(spec).resolve("bg.pid")))).isFalse();
    }

    private static String cgroupPath(String output) {
        Matcher m = CGROUP.matcher(output);
        assertThat(m.find()).as("cgroup in output: %s", output).isTrue();
        return m.group(1);
    }

    private static List<Path> runCgroupDirs(String output) {
        String path = cgroupPath(output);
        return List.of("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup").stream()
                .map(mount -> Path.of(mount + path)).filter(p -> Files.isDirectory(p.getParent())).toList();
    }

    private static String ownPath(String controller) throws Exception {
        return CgroupDetector.ownPaths(Files.readAllLines(Path.of("/proc/self/cgroup"))).get(controller);
    }

    /** Whether no process is in cgroup {@code path} any more, waiting a little for the kernel to finish the kill. */
    private static boolean noProcessIn(String path) throws Exception {
        for (int i = 0; i < 100; i++) {
            boolean found = false;
            try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path dir : dirs) {
                    try {
                        found |= Files.readString(dir.resolve("cgroup")).contains(":" + path + "\n");
                    } catch (java.io.IOException gone) {
                        // exited while we looked
                    }
                }
            }
            if (!found) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The executor's builder: the util-linux chain here, {@code aami-run} in the subclass that runs these tests again. */
    ScriptExecutorBuilder builder() {
        return ScriptExecutorBuilder.in(stateDir);
    }
}
