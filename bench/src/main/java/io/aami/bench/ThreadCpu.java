package io.aami.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * CPU of this JVM's threads by role, from {@code /proc/self/task/<tid>/comm} and {@code stat}. With
 * {@code --embedded} the server and the simulator share one process, so the process's CPU alone cannot say
 * which side a cost belongs to, nor how much of a phase the JIT still spent compiling (on two cores C2
 * compiles for a minute or more into a run). A thread that ends between two readings takes its CPU with it:
 * the pools measured here live for the whole run.
 */
final class ThreadCpu {
    /** Who a thread works for, by the name its pool gives it. */
    enum Role {
        /** Jetty's request pool ({@code qtp…}) and the server's own workers ({@code aami-…}). */
        SERVER,
        /** The simulator: its HTTP client, enrollment and timer threads ({@code bench-…}). */
        CLIENT,
        /** HotSpot's C1 and C2 compiler threads. */
        JIT,
        /** Garbage collector threads. */
        GC,
        OTHER
    }

    private ThreadCpu() {
    }

    /** The role of a thread named {@code comm} (Linux cuts names to 15 characters). */
    static Role role(String comm) {
        if (comm.startsWith("qtp") || comm.startsWith("aami-")) {
            return Role.SERVER;
        }
        if (comm.startsWith("bench-")) {
            return Role.CLIENT;
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return Role.JIT;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return Role.GC;
        }
        return Role.OTHER;
    }

    /** CPU nanoseconds (user + system) of every live thread of this process, summed by role. */
    static Map<Role, Long> now() throws IOException {
        Map<Role, Long> byRole = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            byRole.put(r, 0L);
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).strip();
                    byRole.merge(role(comm), cpuNanos(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII)), Long::sum);
                } catch (IOException ended) {
                    // The thread ended while the directory was read (ENOENT, or ESRCH from a task already reaped): its
                    // CPU is gone with it.
                }
            }
        }
        return byRole;
    }

    /** {@code after - before}, role by role. */
    static Map<Role, Long> between(Map<Role, Long> before, Map<Role, Long> after) {
        Map<Role, Long> d = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            d.put(r, after.getOrDefault(r, 0L) - before.getOrDefault(r, 0L));
        }
        return d;
    }

    /** Adds {@code more} into {@code sum}, role by role. */
    static void add(Map<Role, Long> sum, Map<Role, Long> more) {
        more.forEach((r, v) -> sum.merge(r, v, Long::sum));
    }

    /** utime + stime of one {@code stat} line; the name field may hold spaces, so fields count after the last ')'. */
    static long cpuNanos(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / ProcessStats.USER_HZ);
    }
}
