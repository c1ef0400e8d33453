package io.aami.agent.discovery;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Finds the owners of a scan's sockets in the processes' descriptors, reading as little as it can ({@link FdCache}).
 * A first pass visits the processes that owned sockets before and then the others; a process whose open-file count
 * and sockets did not change is answered from the cache, a changed one is listed and only its new descriptors (and
 * those whose socket is gone) read. When that leaves a socket without owner, a second pass also reads the
 * descriptors cached as no socket of the tables (a number closed and reused for a new socket). Outside a full scan
 * both passes stop once every socket is found. A full scan (every {@value OwnerCache#FULL_EVERY}th) visits every
 * process, and reads every descriptor again of a sixth of them, a different sixth each time, so that a descriptor
 * replaced under an unchanged count is right again within {@value #REREAD_EVERY} full scans.
 */
final class DescriptorWalk {
    static final int REREAD_EVERY = 6;
    private static final String SOCKET_LINK = "socket:[";
    private static final long NOT_CACHED = Long.MIN_VALUE;

    /** {@code visitedAll}: every process was looked at; {@code complete}: no socket can be left to find. */
    record Outcome(boolean visitedAll, boolean complete, int unreadable) {
        static final Outcome NONE = new Outcome(false, false, 0);
    }

    private final FdCache fds = new FdCache();
    private final FdCache.Builder builder = new FdCache.Builder();
    private final BitSet unreadable = new BitSet();
    private final InodeIndex index;
    private final OwnerCache cache;
    private final BiFunction<Path, Integer, ProcessInfo> describe;
    private Scan scan;
    private BitSet unknown;
    private int left;
    private int fullScans;

    DescriptorWalk(InodeIndex index, OwnerCache cache, BiFunction<Path, Integer, ProcessInfo> describe) {
        this.index = index;
        this.cache = cache;
        this.describe = describe;
    }

    /** Walks {@code dirs} (every process's {@code /proc/<pid>}) for the {@code left} sockets marked in {@code unknown}. */
    Outcome run(Scan scan, List<Path> dirs, BitSet live, boolean full, BitSet unknown, int left) {
        this.scan = scan;
        this.unknown = unknown;
        this.left = left;
        unreadable.clear();
        if (full) {
            fullScans++;
            fds.retain(live);
        }
        boolean visitedAll = pass(dirs, full, false);
        boolean complete = visitedAll && (this.left == 0 || pass(dirs, false, true));
        this.scan = null;
        return new Outcome(visitedAll, complete, unreadable.cardinality());
    }

    /** Known owners first; returns whether every process was visited. */
    private boolean pass(List<Path> dirs, boolean full, boolean thorough) {
        List<Path> later = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (Path dir : round == 0 ? dirs : later) {
                if (!full && left == 0) {
                    return false;
                }
                int pid = SocketScanner.pid(dir.getFileName().toString());
                if (round == 0 && !cache.known(pid)) {
                    later.add(dir);
                    continue;
                }
                visit(dir, pid, full, thorough);
            }
        }
        return true;
    }

    private void visit(Path dir, int pid, boolean full, boolean thorough) {
        FdCache.Entry e = fds.get(pid);
        if (e != null && full && (pid + fullScans) % REREAD_EVERY == 0) {
            e = null; // read afresh
        }
        long count = count(dir);
        if (e != null && !thorough && count > 0 && count == e.count && e.socketsAlive(index)) {
            int owner = -1;
            for (long v : e.inodes) {
                owner = claim(v == 0 ? -1 : index.get(Math.abs(v)), owner, dir, pid);
            }
            return;
        }
        list(dir, pid, e, count, thorough);
    }

    /**
     * Lists {@code dir/fd}; a descriptor cached as a socket still in the tables is taken as it is, one cached as none of
     * theirs is skipped unless {@code thorough}; the rest are read.
     */
    private void list(Path dir, int pid, FdCache.Entry e, long count, boolean thorough) {
        builder.reset();
        int owner = -1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : entries) {
                int n = SocketScanner.pid(fd.getFileName().toString());
                if (n < 0) {
                    continue;
                }
                long cached = e == null ? NOT_CACHED : e.inode(n);
                long v;
                if (cached > 0 && index.get(cached) >= 0 || cached <= 0 && cached != NOT_CACHED && !thorough) {
                    v = cached < 0 && index.get(-cached) >= 0 ? -cached : cached; // a socket made after the last tables
                } else {
                    v = link(fd);
                    if (v == NOT_CACHED) {
                        continue; // closed meanwhile
                    }
                }
                builder.add(n, v);
                owner = claim(v == 0 ? -1 : index.get(Math.abs(v)), owner, dir, pid);
            }
            fds.put(pid, builder.build(count));
        } catch (AccessDeniedException ex) {
            unreadable.set(pid);
            fds.remove(pid);
        } catch (IOException | DirectoryIteratorException ex) {
            fds.remove(pid); // the process exited during the walk: whatever it held is gone too
        }
    }

    /** Gives socket {@code i} (if any, and unowned) to {@code pid}; returns the process's index in the scan (described once). */
    private int claim(int i, int owner, Path dir, int pid) {
        if (i < 0 || scan.sockets.owner[i] >= 0) {
            return owner;
        }
        int o = owner >= 0 ? owner : cache.owner(scan, pid, p -> describe.apply(dir, p));
        scan.sockets.owner[i] = o;
        if (unknown.get(i)) {
            unknown.clear(i);
            left--;
        }
        return o;
    }

    /** The process's open-file count ({@code st_size} of its {@code fd} directory; 0 before Linux 6.2), -1 when gone. */
    private static long count(Path dir) {
        try {
            return Files.readAttributes(dir.resolve("fd"), BasicFileAttributes.class).size();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * What descriptor {@code fd} links to as the cache keeps it: the inode of a socket in this scan's tables, minus the
     * inode of another socket (a Unix socket, or one made after the tables were read), 0 for no socket,
     * {@link #NOT_CACHED} when it was closed meanwhile.
     */
    private long link(Path fd) {
        String link;
        try {
            link = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return NOT_CACHED;
        }
        if (!link.startsWith(SOCKET_LINK)) {
            return 0;
        }
        long inode = 0;
        for (int i = SOCKET_LINK.length(); i < link.length() && link.charAt(i) != ']'; i++) {
            char c = link.charAt(i);
            if (c < '0' || c > '9' || i > SOCKET_LINK.length() + 18) {
                return 0;
            }
            inode = inode * 10 + (c - '0');
        }
        return inode == 0 ? 0 : index.get(inode) >= 0 ? inode : -inode;
    }
}
