package io.aami.agent.checks;

import java.nio.file.Path;
import java.util.List;

/** The cgroup of one check run: one directory per v1 controller, or one v2 directory. */
interface RunCgroup extends AutoCloseable {
    /**
     * The {@code cgroup.procs} files the run's first process writes its own pid to, before anything of
     * the check runs, so every process the check ever starts is born inside.
     */
    List<Path> joinFiles();

    /** Kills every process in the cgroup and waits (a few seconds at most) until it is empty. */
    void killAll();

    /** Kills what is left, then removes the directories; never throws. */
    @Override
    void close();
}
