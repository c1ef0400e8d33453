package io.aami.agent.discovery;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One pass over a proc file system: the four socket tables of this network namespace ({@code net/tcp},
 * {@code tcp6}, {@code udp}, {@code udp6}) and those of every other namespace a process is in ({@link Namespaces},
 * through {@code <pid>/net/tcp}, …; each socket marked with its namespace's index), then the processes' descriptors
 * ({@code <pid>/fd}, {@link DescriptorWalk}), each {@code socket:[inode]} link matched to its socket (socket inodes
 * are unique across namespaces); a process holding one is described once from its {@code comm}, {@code status}
 * (uid), {@code exe} and {@code cgroup}. A socket several processes share (a listener inherited by workers) goes to
 * the first found. Not thread-safe: one scanner per loop; buffers and tables are reused. A process this agent may
 * not look into is counted ({@link Scan#processesUnreadable}), never an error: without root the scan reports what it
 * can. Owners found are remembered ({@link OwnerCache}): between full scans, descriptors are looked at only while
 * some socket's owner is unknown, and then only the processes whose descriptors changed ({@link FdCache}).
 */
final class SocketScanner {
    private static final String[] TABLES = {"tcp", "tcp6", "udp", "udp6"};
    /** A socket table read at most (about 400,000 sockets): what a local user opens must not grow the agent unbounded. */
    static final int MAX_TABLE_BYTES = 64 << 20;
    /** A comm, status or cgroup file read at most. */
    private static final int MAX_TEXT_BYTES = 64 << 10;

    private final Path procRoot;
    private final int maxTableBytes;
    private final Path[] tablePaths = new Path[TABLES.length];
    private final Users users;
    private final ProcNetParser parser = new ProcNetParser();
    private final InodeIndex index = new InodeIndex();
    private final Scan scan = new Scan();
    private final OwnerCache cache = new OwnerCache();
    private final Namespaces namespaces;
    private final DescriptorWalk walk;
    private final BitSet live = new BitSet();
    private final BitSet unknown = new BitSet();
    private byte[] buf = new byte[64 * 1024];
    private boolean truncated;

    SocketScanner(Path procRoot, Path passwd) {
        this(procRoot, passwd, 0);
    }

    /** {@code maxNamespaces}: other network namespaces read at most per scan (0: this process's only). */
    SocketScanner(Path procRoot, Path passwd, int maxNamespaces) {
        this(procRoot, passwd, maxNamespaces, MAX_TABLE_BYTES);
    }

    SocketScanner(Path procRoot, Path passwd, int maxNamespaces, int maxTableBytes) {
        this(procRoot, passwd, maxNamespaces, maxTableBytes, FdCache.MAX_DESCRIPTORS);
    }

    /** {@code maxCachedDescriptors}: the descriptor cache's bound ({@link FdCache}); tests lower it. */
    SocketScanner(Path procRoot, Path passwd, int maxNamespaces, int maxTableBytes, long maxCachedDescriptors) {
        this.procRoot = procRoot;
        this.maxTableBytes = maxTableBytes;
        for (int t = 0; t < TABLES.length; t++) {
            tablePaths[t] = procRoot.resolve("net").resolve(TABLES[t]);
        }
        this.users = new Users(passwd);
        this.namespaces = new Namespaces(procRoot, maxNamespaces);
        this.walk = new DescriptorWalk(procRoot, index, cache, this::describe, maxCachedDescriptors);
    }

    /** Processes the last scan could not cache, past the descriptor cache's bound ({@link FdCache}). */
    int processesUncached() {
        return scan.processesUncached;
    }

    /** Tests: descriptors in the cache now. */
    long cachedDescriptors() {
        return walk.cachedDescriptors();
    }

    /** Scans now; the result is valid until the next call. */
    Scan scan() {
        scan.clear();
        users.refresh();
        for (int t = 0; t < TABLES.length; t++) {
            readTable(tablePaths[t], t, (short) 0);
        }
        boolean full = cache.startScan();
        List<Path> pids = listProcesses();
        readNamespaces(pids);
        scan.sockets.dropRepeats(index);
        unknown.clear();
        int left = cache.assign(scan, live, unknown);
        DescriptorWalk.Outcome walked = full || left > 0 ? walk.run(scan, pids, live, full, unknown, left)
                : DescriptorWalk.Outcome.NONE;
        scan.processesUnreadable = cache.unreadable(walked.unreadable(), walked.visitedAll());
        cache.remember(scan, walked.complete());
        return scan;
    }

    /**
     * The tables of every other network namespace, through a process in it (the next one if it exited meanwhile); a
     * namespace none of whose processes could be read counts as an unreadable table.
     */
    private void readNamespaces(List<Path> pids) {
        List<Namespaces.Ns> others = namespaces.others(pids, live);
        scan.namespacesSkipped = namespaces.skipped();
        for (Namespaces.Ns ns : others) {
            short at = (short) (scan.namespaces.size() + 1);
            boolean read = false;
            for (int k = 0; k < ns.pids().size() && !read; k++) {
                Path net = procRoot.resolve(Integer.toString(ns.pids().get(k))).resolve("net");
                int before = scan.sockets.size;
                read = readTable(net.resolve(TABLES[0]), 0, at);
                for (int t = 1; t < TABLES.length && read; t++) {
                    readTable(net.resolve(TABLES[t]), t, at);
                }
                if (!read) {
                    scan.sockets.size = before;
                }
            }
            if (read) {
                scan.namespaces.add(ns.inode());
            } else {
                scan.tablesUnreadable++;
            }
        }
    }

    /** Appends one table's sockets, marked with namespace {@code ns}; false when it could not be read. */
    private boolean readTable(Path path, int t, short ns) {
        int n;
        try {
            n = readFully(path, maxTableBytes);
        } catch (IOException e) {
            // No IPv6 in this kernel is no tcp6 file; anything else is something hidden from the scan.
            if (ns == 0 && (!(e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException)
                    || !TABLES[t].endsWith("6"))) {
                scan.tablesUnreadable++;
            }
            return false;
        }
        if (truncated) {
            // Past the bound (a local user with a million sockets): the sockets read are kept, the scan says it is partial.
            scan.tablesUnreadable++;
            while (n > 0 && buf[n - 1] != '\n') {
                n--;
            }
        }
        int from = scan.sockets.size;
        parser.parse(buf, n, t < 2 ? SocketTable.TCP : SocketTable.UDP, TABLES[t].endsWith("6"), scan.sockets);
        for (int i = from; i < scan.sockets.size; i++) {
            scan.sockets.netns[i] = ns;
        }
        scan.linesSkipped += parser.takeSkipped();
        return true;
    }

    /** The process directories, counted; {@link #live} holds their pids. */
    private List<Path> listProcesses() {
        live.clear();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path entry : entries) {
                int pid = pid(entry.getFileName().toString());
                if (pid > 0) {
                    live.set(pid);
                    dirs.add(entry);
                }
            }
        } catch (IOException e) {
            scan.tablesUnreadable++;
        }
        scan.processesSeen = dirs.size();
        return dirs;
    }

    /** The process as its comm, status, exe and cgroup describe it. */
    private ProcessInfo describe(Path procDir, int pid) {
        String name = stripNewline(readText(procDir.resolve("comm")));
        int uid = uid(readText(procDir.resolve("status")));
        String exe;
        try {
            exe = Files.readSymbolicLink(procDir.resolve("exe")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            exe = ""; // another user's process without root, or a kernel thread
        }
        Cgroups.Placement placement = Cgroups.parse(readText(procDir.resolve("cgroup")));
        return new ProcessInfo(pid, name, exe, uid, uid < 0 ? "" : users.name(uid), placement.container(), placement.podUid());
    }

    private String readText(Path file) {
        try {
            return new String(buf, 0, readFully(file, MAX_TEXT_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Reads {@code file} into {@link #buf} (grown as needed; proc files have no size to ask), at most {@code max} bytes
     * ({@link #truncated} says whether more was left); returns its length.
     */
    private int readFully(Path file, int max) throws IOException {
        truncated = false;
        try (InputStream in = new FileInputStream(file.toString())) {
            int n = 0;
            for (int r; (r = in.read(buf, n, Math.min(buf.length, max) - n)) > 0; ) {
                n += r;
                if (n == buf.length && n < max) {
                    buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
                }
            }
            truncated = n == max && in.read() >= 0;
            return n;
        }
    }

    /** The real uid on the {@code Uid:} line of a status file; -1 when absent. */
    static int uid(String status) {
        int at = status.indexOf("\nUid:");
        if (at < 0) {
            return -1;
        }
        int i = at + 5;
        while (i < status.length() && (status.charAt(i) == '\t' || status.charAt(i) == ' ')) {
            i++;
        }
        int v = 0;
        int start = i;
        while (i < status.length() && Character.isDigit(status.charAt(i)) && i - start < 10) {
            v = v * 10 + (status.charAt(i++) - '0');
        }
        return i == start ? -1 : v;
    }

    /** The number a {@code /proc} entry (or descriptor) is named by, or -1. */
    static int pid(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String stripNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
