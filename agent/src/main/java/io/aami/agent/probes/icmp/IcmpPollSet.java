package io.aami.agent.probes.icmp;

import com.sun.jna.Memory;
import java.util.List;

/** The loop's poll(2) set: the wake eventfd first, then every socket, as a native {@code struct pollfd} array. */
final class IcmpPollSet {
    private Memory fds;

    /** Waits until {@code wakeFd} or a socket is readable (or has an error queued), at most {@code timeoutMs} (-1: no limit). */
    int poll(int wakeFd, List<IcmpSocket> sockets, int timeoutMs) {
        int n = sockets.size() + 1;
        if (fds == null || fds.size() < 8L * n) {
            fds = new Memory(8L * n);
        }
        set(0, wakeFd);
        for (int i = 0; i < sockets.size(); i++) {
            set(i + 1, sockets.get(i).fd);
        }
        return LibC.poll(fds, n, timeoutMs);
    }

    /** Whether entry {@code i} of the last poll has events (readable, or POLLERR: a ping socket's error queue). */
    boolean ready(int i) {
        return fds.getShort(8L * i + 6) != 0;
    }

    private void set(int i, int fd) {
        fds.setInt(8L * i, fd);
        fds.setShort(8L * i + 4, LibC.POLLIN);
        fds.setShort(8L * i + 6, (short) 0);
    }
}
