package io.aami.server.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what an earlier run of the same cluster left behind, before a postmaster is started on it:
 * a postmaster still running (the server was killed with -9 and its child lived on, holding the
 * data directory's lock) is shut down fast (SIGINT: sessions cut, checkpoint written) and killed
 * if it does not stop in time; backends orphaned by a dead postmaster are killed, since they keep
 * the shared memory the new postmaster must claim; a {@code postmaster.pid} whose process is gone
 * is removed. A process counts as ours only if it is a {@code postgres} whose working directory is
 * this cluster (the postmaster and its children chdir there): a reused pid is never signalled.
 */
final class StalePostmaster {
    private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);

    private final Path clusterDir;
    private final Duration patience;

    StalePostmaster(Path clusterDir, Duration patience) {
        this.clusterDir = clusterDir.toAbsolutePath().normalize();
        this.patience = patience;
    }

    /** Leaves no process of this cluster running and no stale lock file; {@code why} goes to the log. */
    void clear(String why) throws IOException {
        Optional<ProcessHandle> postmaster = recordedPid().flatMap(ProcessHandle::of).filter(this::servesThisCluster);
        if (postmaster.isPresent()) {
            LOG.info("stopping the postmaster (pid {}) of {}: {}", postmaster.get().pid(), clusterDir, why);
            stop(postmaster.get());
        }
        List<ProcessHandle> orphans = ProcessHandle.allProcesses().filter(this::servesThisCluster).toList();
        if (!orphans.isEmpty()) {
            LOG.warn("killing {} orphaned postgres processes of {}", orphans.size(), clusterDir);
            orphans.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : orphans) {
                p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> p).join();
            }
        }
        Files.deleteIfExists(clusterDir.resolve("postmaster.pid"));
    }

    private void stop(ProcessHandle postmaster) {
        signal("INT", postmaster.pid());
        if (awaitExit(postmaster, patience)) {
            return;
        }
        LOG.warn("postmaster {} ignored a fast shutdown for {}; sending SIGQUIT", postmaster.pid(), patience);
        signal("QUIT", postmaster.pid());
        if (!awaitExit(postmaster, Duration.ofSeconds(5))) {
            postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
            postmaster.destroyForcibly();
            awaitExit(postmaster, Duration.ofSeconds(5));
        }
    }

    boolean servesThisCluster(ProcessHandle p) {
        Path proc = Path.of("/proc", Long.toString(p.pid()));
        try {
            String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString();
            return exe.startsWith("postgres") && Files.readSymbolicLink(proc.resolve("cwd")).normalize().equals(clusterDir);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    private Optional<Long> recordedPid() throws IOException {
        Path pidFile = clusterDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(pidFile)) {
            return lines.findFirst().map(String::strip).filter(s -> s.matches("\\d{1,10}")).map(Long::parseLong);
        }
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !p.isAlive();
        }
    }

    /** SIGINT and SIGQUIT are PostgreSQL's fast and immediate shutdown; Java can send only TERM and KILL. */
    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("cannot signal pid {}: {}", pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
