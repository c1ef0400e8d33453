package io.aami.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux says one process costs, from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}:
 * CPU time of the process and of its reaped children, resident set and thread count. The peer
 * comparisons (an aami process against blackbox_exporter, node_exporter, a raw loop) read both sides
 * the same way, so their ratio is fair on a shared machine.
 *
 * @param cpuNanos      user + system time of the process itself
 * @param childCpuNanos user + system time of its children it has waited for (check scripts, helpers)
 * @param rssBytes      resident set ({@code VmRSS})
 * @param threads       threads ({@code Threads})
 */
record ProcessStats(long cpuNanos, long childCpuNanos, long rssBytes, int threads) {
    /** Clock ticks per second of {@code /proc/<pid>/stat}: USER_HZ, 100 on every Linux we ship to. */
    static final long USER_HZ = 100;

    /** Reads the process now; {@link IOException} when it is gone. */
    static ProcessStats of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        String stat = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
        // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        long cutime = Long.parseLong(f[13]);
        long cstime = Long.parseLong(f[14]);
        long rss = 0;
        int threads = 0;
        List<String> status = Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII);
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line) * 1024;
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        long tick = 1_000_000_000L / USER_HZ;
        return new ProcessStats((utime + stime) * tick, (cutime + cstime) * tick, rss, threads);
    }

    /** CPU of the process and its reaped children used since {@code earlier}. */
    long totalCpuNanosSince(ProcessStats earlier) {
        return cpuNanos + childCpuNanos - earlier.cpuNanos - earlier.childCpuNanos;
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
