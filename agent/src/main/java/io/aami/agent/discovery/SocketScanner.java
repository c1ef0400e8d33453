package io.aami.agent.discovery;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One pass over a proc file system: the four socket tables of this network namespace ({@code net/tcp},
 * {@code tcp6}, {@code udp}, {@code udp6}), then every process's descriptors ({@code <pid>/fd}), each
 * {@code socket:[inode]} link matched to its socket; a process holding one is described once from its
 * {@code comm}, {@code status} (uid), {@code exe} and {@code cgroup}. A socket several processes share (a
 * listener inherited by workers) goes to the first found, the lowest pid. Not thread-safe: one scanner per
 * loop; buffers and tables are reused, so a scan allocates little beyond the paths the JDK makes per
 * descriptor. A process this agent may not look into is counted ({@link Scan#processesUnreadable}), never an
 * error: without root the scan reports what it can. Owners found are remembered ({@link OwnerCache}): between
 * complete walks, descriptors are listed only while some socket's owner is unknown.
 */
final class SocketScanner {
    private static final String[] TABLES = {"tcp", "tcp6", "udp", "udp6"};
    private static final String SOCKET_LINK = "socket:[";

    private final Path procRoot;
    private final Path[] tablePaths = new Path[TABLES.length];
    private final Users users;
    private final ProcNetParser parser = new ProcNetParser();
    private final InodeIndex index = new InodeIndex();
    private final Scan scan = new Scan();
    private final OwnerCache cache = new OwnerCache();
    private final BitSet live = new BitSet();
    private final BitSet unknown = new BitSet();
    /** Sockets held by a process whose owner this scan has yet to find. */
    private int left;
    private byte[] buf = new byte[64 * 1024];

    SocketScanner(Path procRoot, Path passwd) {
        this.procRoot = procRoot;
        for (int t = 0; t < TABLES.length; t++) {
            tablePaths[t] = procRoot.resolve("net").resolve(TABLES[t]);
        }
        this.users = new Users(passwd);
    }

    /** Scans now; the result is valid until the next call. */
    Scan scan() {
        scan.clear();
        users.refresh();
        for (int t = 0; t < TABLES.length; t++) {
            readTable(t);
        }
        index.clear();
        SocketTable s = scan.sockets;
        for (int i = 0; i < s.size; i++) {
            index.put(s.inode[i], i);
        }
        boolean full = cache.startScan();
        List<Path> pids = listProcesses();
        unknown.clear();
        left = cache.assign(scan, live, unknown);
        boolean complete = full || left > 0 ? walk(pids, !full) : false;
        scan.processesUnreadable = cache.unreadable(scan.processesUnreadable, complete);
        cache.remember(scan, complete);
        return scan;
    }

    private void readTable(int t) {
        int n;
        try {
            n = readFully(tablePaths[t]);
        } catch (IOException e) {
            // No IPv6 in this kernel is no tcp6 file; anything else is something hidden from the scan.
            if (!(e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException)
                    || !TABLES[t].endsWith("6")) {
                scan.tablesUnreadable++;
            }
            return;
        }
        parser.parse(buf, n, t < 2 ? SocketTable.TCP : SocketTable.UDP, TABLES[t].endsWith("6"), scan.sockets);
        scan.linesSkipped += parser.takeSkipped();
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

    /**
     * Lists descriptors, the processes that owned sockets before first (they made most new ones); with
     * {@code stopEarly}, only until every socket left to find is found. Returns whether every process was walked.
     */
    private boolean walk(List<Path> dirs, boolean stopEarly) {
        List<Path> later = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (Path dir : pass == 0 ? dirs : later) {
                if (stopEarly && left == 0) {
                    return false;
                }
                int pid = pid(dir.getFileName().toString());
                if (pass == 0 && !cache.known(pid)) {
                    later.add(dir);
                    continue;
                }
                walkDescriptors(dir, pid);
            }
        }
        return true;
    }

    private void walkDescriptors(Path procDir, int pid) {
        int owner = -1;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procDir.resolve("fd"))) {
            for (Path fd : fds) {
                int socket = socketOf(fd);
                if (socket >= 0 && scan.sockets.owner[socket] < 0) {
                    if (owner < 0) {
                        owner = cache.owner(scan, pid, p -> describe(procDir, p));
                    }
                    scan.sockets.owner[socket] = owner;
                    if (unknown.get(socket)) {
                        unknown.clear(socket);
                        left--;
                    }
                }
            }
        } catch (AccessDeniedException e) {
            scan.processesUnreadable++;
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // The process exited during the walk: whatever it held is gone too.
        }
    }

    /** The index of the socket {@code fd} links to, or -1 (not a socket, or one of no table read). */
    private int socketOf(Path fd) {
        String link;
        try {
            link = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return -1; // closed meanwhile
        }
        if (!link.startsWith(SOCKET_LINK)) {
            return -1;
        }
        long inode = 0;
        for (int i = SOCKET_LINK.length(); i < link.length() && link.charAt(i) != ']'; i++) {
            char c = link.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            inode = inode * 10 + (c - '0');
        }
        return index.get(inode);
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
            return new String(buf, 0, readFully(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads {@code file} whole into {@link #buf} (grown as needed; proc files have no size to ask); returns its length. */
    private int readFully(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toString())) {
            int n = 0;
            for (int r; (r = in.read(buf, n, buf.length - n)) > 0; ) {
                n += r;
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
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

    private static int pid(String name) {
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
