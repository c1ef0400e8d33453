package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in cgroup v2: one directory per run under the agent's {@code aami-checks} cgroup (which has the
 * {@code pids} and {@code memory} controllers enabled for its children), with {@code pids.max} and
 * {@code memory.max} set before the run's first process joins. Killing uses {@code cgroup.kill}
 * (Linux 5.14+), which kills the whole cgroup at once; older kernels freeze, kill and thaw.
 */
final class CgroupV2Runs implements Containment {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Runs.class);

    private final Path parent;
    private final ScriptLimits limits;
    private final CgroupRunNames names = new CgroupRunNames();
    private final IdleRuns<Run> idle = new IdleRuns<>();

    /** {@code parent}: the existing {@code aami-checks} cgroup, {@code +pids +memory} in its subtree_control. */
    CgroupV2Runs(Path parent, ScriptLimits limits) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String mode() {
        return "cgroup-v2";
    }

    @Override
    public RunCgroup newRun() throws IOException {
        Run kept = idle.take();
        if (kept != null) {
            kept.leftBehind = false;
            return kept;
        }
        Run run = new Run(parent.resolve(names.next()), idle);
        try {
            Files.createDirectory(run.dir);
            CgroupFiles.write(run.dir.resolve("pids.max"), Integer.toString(limits.processes()));
            CgroupFiles.write(run.dir.resolve("memory.max"), Long.toString(limits.addressSpaceBytes()));
        } catch (IOException | RuntimeException e) {
            run.close();
            throw new IOException("cannot create the run's cgroup " + run.dir.getFileName() + ": " + e, e);
        }
        return run;
    }

    /** Kills and removes the runs a previous agent process left behind; returns how many. */
    int removeLeftovers() throws IOException {
        List<Path> leftovers;
        try (Stream<Path> entries = Files.list(parent)) {
            leftovers = entries.filter(p -> CgroupRunNames.ownerGone(p.getFileName().toString())).toList();
        }
        leftovers.forEach(dir -> new Run(dir, null).close());
        return leftovers.size();
    }

    @Override
    public void close() {
        idle.close().forEach(Run::close);
    }

    private static final class Run implements RunCgroup {
        private final Path dir;
        /** Where this run goes back to when it ends empty; null for a leftover being removed. */
        private final IdleRuns<Run> idle;
        /** Whether something was left in it to kill: then it is removed, never reused. */
        private boolean leftBehind;

        Run(Path dir, IdleRuns<Run> idle) {
            this.dir = dir;
            this.idle = idle;
        }

        @Override
        public List<Path> joinFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public void killAll() {
            Path procs = dir.resolve("cgroup.procs");
            if (CgroupFiles.surelyEmpty(procs)) {
                // The common end of a run: nothing left, and an empty cgroup cannot fork. No kill, no freeze.
                return;
            }
            leftBehind = true;
            if (!killAtOnce()) {
                // Freezing takes effect asynchronously; whatever forks meanwhile is caught by the loop below.
                setFrozen("1");
                CgroupFiles.killListed(procs);
                setFrozen("0");
            }
            if (!CgroupFiles.killUntilEmpty(procs)) {
                LOG.warn("processes of check run cgroup {} survived {} of killing: {}", dir, CgroupFiles.KILL_LIMIT,
                        CgroupFiles.pids(procs));
            }
        }

        @Override
        public void close() {
            if (Files.isDirectory(dir)) {
                killAll();
            }
            if (!leftBehind && idle != null && IdleRuns.keepable(dir.resolve("memory.current"), dir.resolve("pids.current"))
                    && idle.offer(this)) {
                return;
            }
            if (!CgroupFiles.remove(dir)) {
                LOG.warn("cannot remove check run cgroup {}; the next agent start retries", dir);
            }
        }

        private boolean killAtOnce() {
            Path kill = dir.resolve("cgroup.kill");
            if (!Files.exists(kill)) {
                return false;
            }
            try {
                CgroupFiles.write(kill, "1");
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private void setFrozen(String value) {
            try {
                CgroupFiles.write(dir.resolve("cgroup.freeze"), value);
            } catch (IOException e) {
                LOG.debug("cannot set cgroup.freeze of {} to {}: {}", dir, value, e.toString());
            }
        }
    }
}
