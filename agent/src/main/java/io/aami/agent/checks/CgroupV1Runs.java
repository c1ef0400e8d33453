package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in cgroup v1: a directory of the same name under {@code aami-checks/} in the {@code pids} and
 * {@code memory} hierarchies (and {@code freezer} when mounted), with {@code pids.max} and
 * {@code memory.limit_in_bytes} set before the run's first process joins. Killing freezes the run
 * first, so nothing forks while its pids are read and killed.
 */
final class CgroupV1Runs implements Containment {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV1Runs.class);

    private final Path pids;
    private final Path memory;
    private final Path freezer;
    private final ScriptLimits limits;
    private final CgroupRunNames names = new CgroupRunNames();
    private final IdleRuns<Run> idle = new IdleRuns<>();

    /** Each path is that hierarchy's {@code aami-checks} directory, existing; {@code freezer} may be null. */
    CgroupV1Runs(Path pids, Path memory, Path freezer, ScriptLimits limits) {
        this.pids = Objects.requireNonNull(pids, "pids");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.freezer = freezer;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String mode() {
        return "cgroup-v1";
    }

    @Override
    public RunCgroup newRun() throws IOException {
        Run kept = idle.take();
        if (kept != null) {
            kept.leftBehind = false;
            return kept;
        }
        Run run = run(names.next());
        run.idle = idle;
        try {
            for (Path dir : run.dirs) {
                Files.createDirectory(dir);
            }
            CgroupFiles.write(run.pidsDir.resolve("pids.max"), Integer.toString(limits.processes()));
            CgroupFiles.write(run.memoryDir.resolve("memory.limit_in_bytes"), Long.toString(limits.addressSpaceBytes()));
        } catch (IOException | RuntimeException e) {
            run.close();
            throw new IOException("cannot create the run's cgroup " + run.pidsDir.getFileName() + ": " + e, e);
        }
        return run;
    }

    /** Kills and removes the runs a previous agent process left behind; returns how many. */
    int removeLeftovers() throws IOException {
        Set<String> leftovers = new TreeSet<>();
        for (Path parent : parents()) {
            try (Stream<Path> entries = Files.list(parent)) {
                entries.map(p -> p.getFileName().toString()).filter(CgroupRunNames::ownerGone).forEach(leftovers::add);
            }
        }
        leftovers.forEach(name -> run(name).close());
        return leftovers.size();
    }

    private List<Path> parents() {
        return freezer == null ? List.of(pids, memory) : List.of(pids, memory, freezer);
    }

    private Run run(String name) {
        return new Run(pids.resolve(name), memory.resolve(name), freezer == null ? null : freezer.resolve(name));
    }

    @Override
    public void close() {
        idle.close().forEach(Run::close);
    }

    /** One run's directories. */
    private static final class Run implements RunCgroup {
        private final Path pidsDir;
        private final Path memoryDir;
        private final Path freezerDir;
        private final List<Path> dirs = new ArrayList<>();
        /** Where this run goes back to when it ends empty; null for a leftover being removed. */
        private IdleRuns<Run> idle;
        /** Whether something was left in it to kill (or freeze): then it is removed, never reused. */
        private boolean leftBehind;

        Run(Path pidsDir, Path memoryDir, Path freezerDir) {
            this.pidsDir = pidsDir;
            this.memoryDir = memoryDir;
            this.freezerDir = freezerDir;
            dirs.add(pidsDir);
            dirs.add(memoryDir);
            if (freezerDir != null) {
                dirs.add(freezerDir);
            }
        }

        @Override
        public List<Path> joinFiles() {
            return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public void killAll() {
            if (joinFiles().stream().allMatch(CgroupFiles::surelyEmpty)) {
                // The common end of a run: nothing left, and an empty cgroup cannot fork. No freeze, no kill.
                return;
            }
            leftBehind = true;
            boolean frozen = freeze();
            CgroupFiles.killListed(pidsDir.resolve("cgroup.procs"));
            thaw(frozen);
            // Frozen, nothing could fork meanwhile; without a freezer, pids.max bounds the chase.
            for (Path procs : joinFiles()) {
                if (!CgroupFiles.killUntilEmpty(procs)) {
                    LOG.warn("processes of check run cgroup {} survived {} of killing: {}", procs.getParent(),
                            CgroupFiles.KILL_LIMIT, CgroupFiles.pids(procs));
                }
            }
        }

        @Override
        public void close() {
            if (Files.isDirectory(pidsDir)) {
                killAll();
            }
            if (!leftBehind && idle != null
                    && IdleRuns.keepable(memoryDir.resolve("memory.usage_in_bytes"), pidsDir.resolve("pids.current")) && idle.offer(this)) {
                return;
            }
            for (Path dir : dirs) {
                if (!CgroupFiles.remove(dir)) {
                    LOG.warn("cannot remove check run cgroup {}; the next agent start retries", dir);
                }
            }
        }

        private boolean freeze() {
            if (freezerDir == null || !Files.isDirectory(freezerDir)) {
                return false;
            }
            try {
                CgroupFiles.write(freezerDir.resolve("freezer.state"), "FROZEN");
                return CgroupFiles.await(freezerDir.resolve("freezer.state"), "FROZEN");
            } catch (IOException e) {
                LOG.warn("cannot freeze check run cgroup {}: {}", freezerDir, e.toString());
                return false;
            }
        }

        private void thaw(boolean frozen) {
            if (freezerDir == null || !Files.isDirectory(freezerDir)) {
                return;
            }
            try {
                // Even when the freeze did not complete: a half-frozen task cannot die of its SIGKILL.
                CgroupFiles.write(freezerDir.resolve("freezer.state"), "THAWED");
            } catch (IOException e) {
                LOG.warn("cannot thaw check run cgroup {} (frozen: {}): {}", freezerDir, frozen, e.toString());
            }
        }
    }
}
