package io.aami.agent.processes;

import io.aami.contract.checks.ProcessCheckRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads processes from {@code /proc}: names, exe, command lines and real uids of all, then sizes, threads,
 * CPU time and open descriptors of those a filter keeps. A process that ends while it is read is skipped.
 * As root the agent sees every process; unprivileged, another user's {@code exe} and {@code fd} cannot be
 * read (null in {@link ProcessInfo}).
 */
final class ProcTable {
    private final Path proc;

    ProcTable(Path proc) {
        this.proc = proc;
    }

    /** The identity of every process, sizes not read yet (zero). */
    List<ProcessInfo> identities() {
        List<ProcessInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                identity(dir).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** {@code p} with RSS, threads, CPU ticks and open files read; empty when it has ended. */
    Optional<ProcessInfo> measured(ProcessInfo p) {
        Path dir = proc.resolve(Long.toString(p.pid()));
        try {
            long rss = 0;
            int threads = 0;
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
            return Optional.of(new ProcessInfo(p.pid(), p.name(), p.exe(), p.cmdline(), p.uid(), rss, threads,
                    openFiles(dir), cpuTicks(dir)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** CPU ticks of {@code pid} now, -1 when it has ended. */
    long cpuTicks(long pid) {
        try {
            return cpuTicks(proc.resolve(Long.toString(pid)));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private Optional<ProcessInfo> identity(Path dir) {
        try {
            long pid = Long.parseLong(dir.getFileName().toString());
            String name = Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
            long uid = -1;
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    break;
                }
            }
            return Optional.of(new ProcessInfo(pid, name, exe(dir), cmdline(dir), uid, 0, 0, null, 0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String exe(Path dir) {
        try {
            return cut(Files.readSymbolicLink(dir.resolve("exe")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** The first {@link ProcessCheckRules#MAX_MATCHED_CHARS} of the command line, NULs as spaces. */
    private static String cmdline(Path dir) throws IOException {
        byte[] raw;
        try (var in = Files.newInputStream(dir.resolve("cmdline"))) {
            raw = in.readNBytes(ProcessCheckRules.MAX_MATCHED_CHARS * 4);
        }
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (raw[i] == 0) {
                raw[i] = ' ';
            }
        }
        return cut(new String(raw, 0, end, StandardCharsets.UTF_8));
    }

    private static String cut(String s) {
        return s.length() > ProcessCheckRules.MAX_MATCHED_CHARS ? s.substring(0, ProcessCheckRules.MAX_MATCHED_CHARS) : s;
    }

    private static Integer openFiles(Path dir) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return n;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** utime + stime: fields 14 and 15 of {@code stat}, counted after the command name's last ')'. */
    private static long cpuTicks(Path dir) throws IOException {
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
