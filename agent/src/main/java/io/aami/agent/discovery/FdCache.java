package io.aami.agent.discovery;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Each walked process's descriptors as the last walk found them: its open-file count ({@code stat} of
 * {@code /proc/<pid>/fd} gives it as the directory's size since Linux 6.2; before, every walked process is listed) and its
 * descriptor numbers, each with the socket inode it linked to (0: not a socket; negative: a socket of none of the
 * tables read, a Unix socket). A process whose count is unchanged
 * and whose cached sockets all still exist is not listed again; a changed one is listed, and only its new
 * descriptors, and those whose socket is gone, are read with {@code readlink}. Issue 11's budget: a
 * {@code readlink} per descriptor per scan was most of a scan's CPU at 10,000 sockets.
 *
 * <p>Bounded in total ({@link #MAX_DESCRIPTORS} descriptors over every process, a process counting one more for itself):
 * the cache lives in the root agent, and any local user can open many processes of many descriptors each. A process
 * whose entry would pass the bound is not cached (it is listed and read again each scan it is needed, as without a
 * cache) and counted ({@link #refused}, the scan's {@code processes_uncached}).
 */
final class FdCache {
    /** About 12 bytes a descriptor: at most some 12 MiB of cache, a host's 10,000 sockets many times over. */
    static final int MAX_DESCRIPTORS = 1 << 20;

    /** One process's descriptors, sorted by number. */
    static final class Entry {
        final long count;
        final int[] fds;
        final long[] inodes;
        /** Where the next verification of these descriptors starts ({@link DescriptorWalk}). */
        int verified;

        Entry(long count, int[] fds, long[] inodes) {
            this.count = count;
            this.fds = fds;
            this.inodes = inodes;
        }

        /**
         * What is cached for descriptor {@code fd}: a socket inode of the tables, minus the inode of a socket of none of
         * them (a Unix socket), 0 for no socket, {@link Long#MIN_VALUE} when not cached.
         */
        long inode(int fd) {
            int at = Arrays.binarySearch(fds, fd);
            return at < 0 ? Long.MIN_VALUE : inodes[at];
        }

        /** Whether every socket this process held is still in this scan's tables. */
        boolean socketsAlive(InodeIndex index) {
            for (long inode : inodes) {
                if (inode > 0 && index.get(inode) < 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Builds an {@link Entry} from descriptors in the order a listing gives them (ascending, sorted if not). */
    static final class Builder {
        private int[] fds = new int[64];
        private long[] inodes = new long[64];
        private int size;

        void reset() {
            size = 0;
        }

        void add(int fd, long inode) {
            if (size == fds.length) {
                fds = Arrays.copyOf(fds, size * 2);
                inodes = Arrays.copyOf(inodes, size * 2);
            }
            fds[size] = fd;
            inodes[size++] = inode;
        }

        Entry build(long count) {
            int[] f = Arrays.copyOf(fds, size);
            long[] n = Arrays.copyOf(inodes, size);
            for (int i = 1; i < size; i++) {
                if (f[i] <= f[i - 1]) {
                    return sorted(count, f, n);
                }
            }
            return new Entry(count, f, n);
        }

        private static Entry sorted(long count, int[] f, long[] n) {
            Integer[] order = new Integer[f.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(f[a], f[b]));
            int[] fs = new int[f.length];
            long[] ns = new long[f.length];
            for (int i = 0; i < order.length; i++) {
                fs[i] = f[order[i]];
                ns[i] = n[order[i]];
            }
            return new Entry(count, fs, ns);
        }
    }

    private final Map<Integer, Entry> entries = new HashMap<>();
    private final long maxDescriptors;
    /** Descriptors cached over every entry, each entry counting one more ({@link #weight}). */
    private long descriptors;
    private int refused;

    FdCache() {
        this(MAX_DESCRIPTORS);
    }

    FdCache(long maxDescriptors) {
        this.maxDescriptors = maxDescriptors;
    }

    Entry get(int pid) {
        return entries.get(pid);
    }

    /** Caches {@code entry} for {@code pid} in place of the last one; past the bound, drops both and counts a refusal. */
    void put(int pid, Entry entry) {
        remove(pid);
        if (descriptors + weight(entry) > maxDescriptors) {
            refused++;
            return;
        }
        entries.put(pid, entry);
        descriptors += weight(entry);
    }

    void remove(int pid) {
        Entry old = entries.remove(pid);
        if (old != null) {
            descriptors -= weight(old);
        }
    }

    /** Forgets the processes that are gone (not in {@code live}). */
    void retain(BitSet live) {
        entries.entrySet().removeIf(e -> {
            boolean gone = !live.get(e.getKey());
            if (gone) {
                descriptors -= weight(e.getValue());
            }
            return gone;
        });
    }

    int size() {
        return entries.size();
    }

    /** Descriptors cached (each process counting one more), never past the bound. */
    long descriptors() {
        return descriptors;
    }

    /** Processes not cached since the last call, past the bound; resets the count. */
    int takeRefused() {
        int n = refused;
        refused = 0;
        return n;
    }

    private static long weight(Entry e) {
        return e.fds.length + 1L;
    }
}
