package io.aami.agent.discovery;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What the last scans learnt about sockets' owners, so a scan lists descriptors only while some socket's owner is
 * unknown (issue 11's budget: walking every descriptor of every process is most of a scan's cost). A socket keeps
 * the owner it had while that process lives; one no walk found (another user's process without root, a process
 * outside this PID namespace) is not looked for again; every {@link #FULL_EVERY}th scan finds every owner afresh and
 * describes each process again, so an owner that changed (a socket passed to another process, an exec under the same
 * pid) is right again within that many scans. A socket no walk found stays unsought through full scans too: a
 * process's descriptors that change are read again whatever the scan ({@link DescriptorWalk}).
 */
final class OwnerCache {
    static final int FULL_EVERY = 10;
    /** In {@link #owners}: a socket a complete walk did not find. Pid 0 is never a process. */
    private static final int NOT_FOUND = 0;

    private InodeIndex owners = new InodeIndex();
    private InodeIndex next = new InodeIndex();
    private final Map<Integer, ProcessInfo> infos = new HashMap<>();
    /** Pid (as a long key) to the index of its description in this scan, so 10,000 sockets box no pid. */
    private final InodeIndex scanIndex = new InodeIndex();
    private int scans;
    private boolean full;
    private int lastUnreadable;

    /** Whether this scan finds every owner afresh (and describes every process again). */
    boolean startScan() {
        scanIndex.clear();
        full = scans++ % FULL_EVERY == 0;
        if (full) {
            infos.clear();
        }
        return full;
    }

    /**
     * Gives each socket its remembered owner when that process is still {@code live}; returns how many sockets held by
     * a process (inode not 0) are left to find, and marks them in {@code unknown}.
     */
    int assign(Scan scan, BitSet live, BitSet unknown) {
        SocketTable s = scan.sockets;
        int left = 0;
        int lastPid = -1;
        int lastIndex = -1;
        for (int i = 0; i < s.size; i++) {
            if (s.inode[i] == 0) {
                continue;
            }
            int pid = owners.get(s.inode[i]);
            if (pid > 0 && pid == lastPid) {
                s.owner[i] = lastIndex;
            } else if (pid > 0 && !full && live.get(pid) && infos.containsKey(pid)) {
                s.owner[i] = indexIn(scan, infos.get(pid));
                lastPid = pid;
                lastIndex = s.owner[i];
            } else if (pid != NOT_FOUND) {
                unknown.set(i);
                left++;
            }
        }
        return left;
    }

    /** Whether {@code pid} owned a socket when last walked. */
    boolean known(int pid) {
        return infos.containsKey(pid);
    }

    /** The index of {@code pid}'s description in this scan, described by {@code describe} unless known. */
    int owner(Scan scan, int pid, java.util.function.IntFunction<ProcessInfo> describe) {
        ProcessInfo info = infos.computeIfAbsent(pid, describe::apply);
        return indexIn(scan, info);
    }

    private int indexIn(Scan scan, ProcessInfo info) {
        int at = scanIndex.get(info.pid());
        if (at < 0) {
            scan.processes.add(info);
            at = scan.processes.size() - 1;
            scanIndex.put(info.pid(), at);
        }
        return at;
    }

    /** Remembers this scan's owners; {@code complete}: every process was walked, so an unowned socket has none to find. */
    void remember(Scan scan, boolean complete) {
        SocketTable s = scan.sockets;
        next.clear();
        for (int i = 0; i < s.size; i++) {
            if (s.inode[i] == 0) {
                continue;
            }
            if (s.owner[i] >= 0) {
                next.put(s.inode[i], scan.processes.get(s.owner[i]).pid());
            } else if (complete || owners.get(s.inode[i]) == NOT_FOUND) {
                next.put(s.inode[i], NOT_FOUND);
            }
        }
        InodeIndex swap = owners;
        owners = next;
        next = swap;
    }

    /** Processes a walk could not read: counted by complete walks, kept by the scans between them. */
    int unreadable(int counted, boolean complete) {
        if (complete) {
            lastUnreadable = counted;
        }
        return lastUnreadable;
    }
}
