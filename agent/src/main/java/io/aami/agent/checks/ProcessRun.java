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
 * drained while it runs (in a cgroup by the run's own thread, polling; without one by a reader thread
 * per run), a wall-clock timeout, and afterwards (whatever happened) everything it
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
    static final long MIN_POLL_MS = 1;
    /** A script writing in bursts waits at most this long on a full pipe (64 KiB) for the poller. */
    static final long MAX_POLL_MS = 20;

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
        return cgroup != null ? inCgroup(process, output, cgroup, timeout) : withReader(process, output, timeout);
    }

    /**
     * A cgroup run, its output read by this thread: polled while the script runs, then what the pipe
     * holds once the cgroup has been emptied. Nothing started in the cgroup can leave it, so when the
     * cgroup is empty every writer of the run is gone and the pipe holds the rest; no thread per run is
     * needed, and no read waits on a copy of the pipe held outside the run.
     */
    private Outcome inCgroup(Process process, OutputCollector output, RunCgroup cgroup, Duration timeout)
            throws IOException, InterruptedException {
        boolean exited = false;
        try {
            exited = awaitExitDraining(process, output, timeout);
        } catch (InterruptedException | IOException e) {
            // No one reads the pipe to its end now: close it here, as the reader thread of a run without a cgroup does.
            process.getInputStream().close();
            throw e;
        } finally {
            cgroup.killAll();
            if (process.isAlive()) {
                // Only a first process that had not joined the cgroup yet is outside it; it has no children then.
                process.toHandle().destroyForcibly();
            }
        }
        Integer exitCode = exited ? process.exitValue() : null;
        if (!exited) {
            process.waitFor(OUTPUT_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        output.drainRest();
        return new Outcome(exitCode, !exited, output.text(), output.truncated());
    }

    /**
     * Waits until the process exits or {@code timeout} passes (false), reading its output as it comes:
     * at once while it flows, else after waits of {@link #MIN_POLL_MS} doubling up to {@link #MAX_POLL_MS}
     * (the JDK's waitFor returns at the exit itself, so only a quiet script sees these waits).
     */
    static boolean awaitExitDraining(Process process, OutputCollector output, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long waitMs = MIN_POLL_MS;
        while (true) {
            int read = output.drainAvailable();
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (process.waitFor(read > 0 ? 0 : Math.min(waitMs, Math.max(leftMs, 0)), TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (leftMs <= 0) {
                return false;
            }
            waitMs = read > 0 ? MIN_POLL_MS : Math.min(waitMs * 2, MAX_POLL_MS);
        }
    }

    /**
     * A run without a cgroup, its output read by a thread of its own: a process that left the session
     * may hold the pipe open for ever, and the run must not wait for it.
     */
    private Outcome withReader(Process process, OutputCollector output, Duration timeout)
            throws InterruptedException {
        Thread reader = DaemonThreads.thread("aami-check-output-" + process.pid(), output);
        reader.start();
        boolean exited = false;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            killer.killAll(process.toHandle(), leadsOwnGroup);
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
