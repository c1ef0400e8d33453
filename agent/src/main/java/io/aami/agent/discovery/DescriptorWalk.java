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
 * descriptors cached as no socket of the tables (a number closed and reused for a new socket), once such a socket
 * was missed by two walks in a row (until then it is sought again, not marked ownerless). Outside a full scan
 * both passes stop once every socket is found. A full scan (every {@value OwnerCache#FULL_EVERY}th) visits every
 * process, and reads again the cached descriptors of a sixth of them (a different sixth each time, at most
 * {@value #VERIFY_CHUNK} a process, the next ones the next time), so that a descriptor replaced under an unchanged
 * count is found: a socket passed to another process whose old number now holds a file.
 */
final class DescriptorWalk {
    static final int REREAD_EVERY = 6;
    static final int VERIFY_CHUNK = 1024;
    private static final String SOCKET_LINK = "socket:[";
    private static final long NOT_CACHED = Long.MIN_VALUE;

    /** {@code visitedAll}: every process was looked at; {@code complete}: no socket can be left to find. */
    record Outcome(boolean visitedAll, boolean complete, int unreadable) {
        static final Outcome NONE = new Outcome(false, false, 0);
    }

    private final FdCache fds;
    private final FdCache.Builder builder = new FdCache.Builder();
    private final BitSet unreadable = new BitSet();
    /** Sockets the last walk left without owner. */
    private final InodeIndex missed = new InodeIndex();
    private final boolean countsKnown;
    private final InodeIndex index;
    private final OwnerCache cache;
    private final BiFunction<Path, Integer, ProcessInfo> describe;
    private Scan scan;
    private BitSet unknown;
    private int left;
    private int fullScans;

    /** {@code procRoot}: its {@code self/fd} tells whether this kernel gives open-file counts (Linux 6.2 and later). */
    DescriptorWalk(Path procRoot, InodeIndex index, OwnerCache cache, BiFunction<Path, Integer, ProcessInfo> describe,
                   long maxCachedDescriptors) {
        this.fds = new FdCache(maxCachedDescriptors);
        this.countsKnown = count(procRoot.resolve("self")) > 0;
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
        scan.linksRead = 0;
        scan.directoriesListed = 0;
        if (full) {
            fullScans++;
            fds.retain(live);
        }
        boolean visitedAll = pass(dirs, full, false);
        boolean complete = visitedAll && (this.left == 0 || missedTwice() && pass(dirs, false, true));
        rememberMissed(complete);
        scan.processesUncached = fds.takeRefused();
        this.scan = null;
        return new Outcome(visitedAll, complete, unreadable.cardinality());
    }

    /**
     * Whether a socket the first pass did not find was missed by the last walk too. A socket seen once without owner is
     * mostly one closed since the tables were read (its process done with it): only one that stays is worth the second
     * pass's cost (every process listed), so a busy host's short connections do not make every scan a thorough one.
     */
    private boolean missedTwice() {
        for (int i = unknown.nextSetBit(0); i >= 0; i = unknown.nextSetBit(i + 1)) {
            if (missed.get(scan.sockets.inode[i]) >= 0) {
                return true;
            }
        }
        return false;
    }

    private void rememberMissed(boolean complete) {
        missed.clear();
        if (!complete) {
            for (int i = unknown.nextSetBit(0); i >= 0; i = unknown.nextSetBit(i + 1)) {
                missed.put(scan.sockets.inode[i], i);
            }
        }
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
        if (e != null && full && (pid + fullScans) % REREAD_EVERY == 0 && !verify(dir, e)) {
            e = null; // read afresh
        }
        long count = countsKnown ? count(dir) : -1;
        if (e != null && !thorough && count >= 0 && count == e.count && e.socketsAlive(index)) {
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
        scan.directoriesListed++;
        scan.listed.set(pid);
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

    /**
     * Reads again up to {@value #VERIFY_CHUNK} of the cached descriptors, from where the last verification stopped;
     * false when one links elsewhere now (the process is then listed afresh). Bounded, so that a process with 10,000
     * sockets costs no full scan more than a slice of them.
     */
    private boolean verify(Path dir, FdCache.Entry e) {
        int end = Math.min(e.fds.length, e.verified + VERIFY_CHUNK);
        Path fdDir = dir.resolve("fd");
        for (int k = e.verified; k < end; k++) {
            long now = link(fdDir.resolve(Integer.toString(e.fds[k])));
            if (now == NOT_CACHED || Math.abs(now) != Math.abs(e.inodes[k])) {
                return false;
            }
        }
        e.verified = end == e.fds.length ? 0 : end;
        return true;
    }

    /** Tests: the descriptors cached now. */
    long cachedDescriptors() {
        return fds.descriptors();
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
        scan.linksRead++;
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
