package io.aami.agent.checks;

import io.aami.common.concurrent.DaemonThreads;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child process from start to a clean finish: stdin from /dev/null, stdout and stderr merged and
 * drained concurrently, a wall-clock timeout, and afterwards (whatever happened) everything it
 * started killed, so nothing is left behind: with a cgroup, whatever the cgroup holds (found through
 * its {@code cgroup.procs}, no {@code /proc} walk); without one, its process group and session, walking
 * {@code /proc} (see {@link ProcessGroupKiller}). The process
 * starts with the fixed {@link SystemTools#HELPER_ENV}: the command line sets the script's own.
 */
final class ProcessRun {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRun.class);
    private static final File DEV_NULL = new File("/dev/null");
    /** After the group is killed the pipe closes at once; this only bounds a process that escaped the group. */
    private static final Duration OUTPUT_END_WAIT = Duration.ofSeconds(2);

    /** {@code exitCode} is null when the process was killed at its timeout. */
    record Outcome(Integer exitCode, boolean timedOut, String output, boolean truncated) {
    }

    private final ProcessGroupKiller killer;
    private final boolean leadsOwnGroup;
    private final int outputMaxBytes;

    ProcessRun(ProcessGroupKiller killer, boolean leadsOwnGroup, int outputMaxBytes) {
        this.killer = killer;
        this.leadsOwnGroup = leadsOwnGroup;
        this.outputMaxBytes = outputMaxBytes;
    }

    /**
     * Runs {@code command} in {@code workDir}, in {@code cgroup} unless null (the command joins it).
     *
     * @throws IOException          when the process cannot be started
     * @throws InterruptedException when interrupted (agent stopping); the process tree is killed first
     */
    Outcome run(List<String> command, RunCgroup cgroup, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(SystemTools.HELPER_ENV);
        Process process = builder.start();
        OutputCollector output = new OutputCollector(process.getInputStream(), outputMaxBytes);
        Thread reader = DaemonThreads.thread("aami-check-output-" + process.pid(), output);
        reader.start();
        boolean exited = false;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (cgroup != null) {
                cgroup.killAll();
                if (process.isAlive()) {
                    // Only a first process that had not joined the cgroup yet is outside it; it has no children then.
                    process.toHandle().destroyForcibly();
                }
            } else {
                killer.killAll(process.toHandle(), leadsOwnGroup);
            }
        }
        Integer exitCode = exited ? process.exitValue() : null;
        if (!exited) {
            process.waitFor(OUTPUT_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!output.awaitEnd(OUTPUT_END_WAIT)) {
            // A process that left the group still holds the pipe; do not wait for it, the reader ends with it.
            LOG.warn("output of script pid {} still open after its process group was killed; a process escaped"
                    + " the group", process.pid());
        }
        return new Outcome(exitCode, !exited, output.text(), output.truncated());
    }
}
