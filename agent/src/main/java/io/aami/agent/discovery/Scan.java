package io.aami.agent.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * One scan's result: the sockets (each with its owner's index in {@link #processes}, or -1) and what
 * could not be seen. {@code processesUnreadable}: processes whose descriptors this agent may not list
 * (another user's, when it does not run as root); their sockets stay in the table without an owner.
 * Reused by the next scan of the same scanner: read it before scanning again.
 */
final class Scan {
    final SocketTable sockets = new SocketTable();
    final List<ProcessInfo> processes = new ArrayList<>();
    /** The other network namespaces read, by inode; a socket's {@code netns} is 0 (this process's) or 1 + an index here. */
    final List<Long> namespaces = new ArrayList<>();
    int namespacesSkipped;
    int processesSeen;
    int processesUnreadable;
    int tablesUnreadable;
    int linesSkipped;
    /** What the descriptor walk read: {@code fd} directories listed and links read (the scan's main cost). */
    int directoriesListed;
    int linksRead;
    /** Processes the walk listed but could not cache, past {@link FdCache#MAX_DESCRIPTORS}. */
    int processesUncached;
    /** The pids whose {@code fd} directory this scan listed (the others were answered from the cache, or not needed). */
    final java.util.BitSet listed = new java.util.BitSet();

    void clear() {
        sockets.clear();
        processes.clear();
        namespaces.clear();
        namespacesSkipped = 0;
        processesSeen = 0;
        processesUnreadable = 0;
        tablesUnreadable = 0;
        linesSkipped = 0;
        directoriesListed = 0;
        linksRead = 0;
        processesUncached = 0;
        listed.clear();
    }

    /** Whether something was hidden from this scan (unreadable processes or socket tables, namespaces past the bound). */
    boolean partial() {
        return processesUnreadable > 0 || tablesUnreadable > 0 || namespacesSkipped > 0;
    }

    /** Sockets held by a process (inode not 0) whose process this scan did not find. */
    int unowned() {
        int n = 0;
        for (int i = 0; i < sockets.size; i++) {
            if (sockets.owner[i] < 0 && sockets.inode[i] != 0) {
                n++;
            }
        }
        return n;
    }

    ProcessInfo owner(int socket) {
        int o = sockets.owner[socket];
        return o < 0 ? null : processes.get(o);
    }
}
