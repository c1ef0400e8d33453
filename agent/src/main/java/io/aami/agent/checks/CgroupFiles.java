package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reading, writing and emptying cgroup directories, the same for v1 and v2. A cgroup file is written
 * with one {@code write(2)} and never created or truncated: the kernel made it with the directory.
 */
final class CgroupFiles {
    /** How long killing a run's processes may take before the agent gives up and logs it. */
    static final Duration KILL_LIMIT = Duration.ofSeconds(5);
    private static final Duration RMDIR_LIMIT = Duration.ofSeconds(2);

    private CgroupFiles() {
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardOpenOption.WRITE);
    }

    static String read(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    /** The file's content, trimmed, or null when it cannot be read. */
    static String readOrNull(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether {@code procs} lists no process, for sure: a cgroup that is gone is empty, one whose file
     * cannot be read is not (the caller then kills and removes it rather than trusting it empty).
     */
    static boolean surelyEmpty(Path procs) {
        try {
            return Files.readString(procs).isBlank();
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The pids listed in a {@code cgroup.procs} (or {@code tasks}) file; empty when the cgroup is gone. */
    static List<Long> pids(Path procs) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException | NumberFormatException e) {
            // A cgroup being removed can fail reads; the caller polls again.
        }
        return pids;
    }

    /** SIGKILL to every pid listed in {@code procs} (never to this JVM). */
    static void killListed(Path procs) {
        long self = ProcessHandle.current().pid();
        for (long pid : pids(procs)) {
            if (pid != self) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Kills whatever {@code procs} lists until it lists nothing, for at most {@link #KILL_LIMIT};
     * returns whether it is empty. Interrupts are deferred: a stopping agent must not leave a run behind.
     */
    static boolean killUntilEmpty(Path procs) {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + KILL_LIMIT.toNanos();
            while (!pids(procs).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                killListed(procs);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls {@code file} until it reads {@code expected}, for at most a second; returns whether it did. */
    static boolean await(Path file, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            try {
                if (read(file).equals(expected)) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return false;
    }

    /**
     * Removes an empty cgroup directory, retrying while the kernel still reports it busy (exiting
     * tasks leave a moment after they die); returns whether it is gone.
     */
    static boolean remove(Path dir) {
        long deadline = System.nanoTime() + RMDIR_LIMIT.toNanos();
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return true;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }
}
