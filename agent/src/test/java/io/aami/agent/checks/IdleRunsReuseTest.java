package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.readPid;
import static io.aami.agent.checks.Fixtures.running;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run cgroup is reused only after a clean run; one that held a leftover is
 * never handed to the next run, its leftover is dead, and limits hold in a reused cgroup.
 */
class IdleRunsReuseTest {
    private static final String PRINT = "grep -E '^[0-9]+:(pids|):' /proc/self/cgroup | head -1 | cut -d: -f3-;"
            + "grep -E 'cpu time|open files|address space' /proc/self/limits;";

    @TempDir
    Path stateDir;

    @Test
    void cleanRunsShareACgroupAndALeftoverNeverReachesTheNextRun() throws Exception {
        assumeTrue(Fixtures.isRoot(), "cgroups need root");
        ScriptExecutor executor = ScriptExecutorBuilder.in(stateDir).containment("cgroup").build();
        assumeTrue(executor.containmentMode().startsWith("cgroup-"));
        String first = executor.execute(spec("sh", PRINT)).output();
        String second = executor.execute(spec("sh", PRINT)).output();
        System.out.println("REVIEW first=" + first + " second=" + second);
        assertThat(second.lines().findFirst()).isEqualTo(first.lines().findFirst());

        CheckSpec leaves = spec(UUID.randomUUID(), "sh", PRINT
                + "setsid sh -c 'trap \"\" HUP TERM XCPU; echo $$ > left.pid; exec sleep 300' & while [ ! -s left.pid ]; do sleep 0.05; done",
                java.util.List.of(), java.util.Map.of(), 60, 10);
        String third = executor.execute(leaves).output();
        long left = readPid(stateDir.resolve("work").resolve(leaves.checkId().toString()).resolve("left.pid"));
        assertThat(running(left)).as("leftover of a clean-exit run").isFalse();
        String fourth = executor.execute(spec("sh", PRINT + "cat /proc/self/cgroup | grep pids;"
                + "p=$(grep -E '^[0-9]+:pids:' /proc/self/cgroup | cut -d: -f3-); cat /sys/fs/cgroup/pids$p/cgroup.procs | wc -l")).output();
        System.out.println("REVIEW third=" + third + " fourth=" + fourth);
        assertThat(fourth.lines().findFirst()).isNotEqualTo(third.lines().findFirst());
        executor.close();
    }
}
