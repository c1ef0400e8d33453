package io.aami.agent.discovery;

import java.util.Arrays;

/**
 * The sockets of one scan, column by column (primitive arrays reused from scan to scan, so 10,000 sockets
 * cost no object each). Addresses are kept in network order as two longs; an IPv4 address (also one mapped
 * into IPv6, as a dual-stack Java socket shows in {@code tcp6}) is family 4 with the address in {@code lo}'s
 * low 32 bits. {@code owner} is the index of the owning process in the scan, or -1 when unknown.
 */
final class SocketTable {
    static final byte TCP = 0;
    static final byte UDP = 1;

    int size;
    byte[] proto = new byte[0];
    byte[] family = new byte[0];
    long[] localHi = new long[0];
    long[] localLo = new long[0];
    int[] localPort = new int[0];
    long[] remoteHi = new long[0];
    long[] remoteLo = new long[0];
    int[] remotePort = new int[0];
    byte[] state = new byte[0];
    int[] uid = new int[0];
    long[] inode = new long[0];
    int[] owner = new int[0];
    /** The network namespace the socket was read in: 0 this process's, else 1 + its index in {@link Scan#namespaces}. */
    short[] netns = new short[0];

    void clear() {
        size = 0;
    }

    /** Room for one more socket; returns its index (the caller fills every column). */
    int add() {
        if (size == proto.length) {
            grow(Math.max(256, size * 2));
        }
        owner[size] = -1;
        netns[size] = 0;
        return size++;
    }

    /**
     * Drops every row whose socket (inode, not 0) was listed before, and indexes each kept row by inode. The kernel
     * writes {@code /proc/net/tcp} a page at a time and resumes at a position within a hash bucket, so a socket opened
     * or closed elsewhere on the host while the table is read can show another row twice; counted twice, it would be
     * one connection too many (and an owner remembered by inode would claim both).
     */
    void dropRepeats(InodeIndex index) {
        index.clear();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (index.get(inode[i]) >= 0) { // never for inode 0
                continue;
            }
            if (kept != i) {
                move(i, kept);
            }
            index.put(inode[kept], kept);
            kept++;
        }
        size = kept;
    }

    private void move(int from, int to) {
        proto[to] = proto[from];
        family[to] = family[from];
        localHi[to] = localHi[from];
        localLo[to] = localLo[from];
        localPort[to] = localPort[from];
        remoteHi[to] = remoteHi[from];
        remoteLo[to] = remoteLo[from];
        remotePort[to] = remotePort[from];
        state[to] = state[from];
        uid[to] = uid[from];
        inode[to] = inode[from];
        owner[to] = owner[from];
        netns[to] = netns[from];
    }

    private void grow(int n) {
        proto = Arrays.copyOf(proto, n);
        family = Arrays.copyOf(family, n);
        localHi = Arrays.copyOf(localHi, n);
        localLo = Arrays.copyOf(localLo, n);
        localPort = Arrays.copyOf(localPort, n);
        remoteHi = Arrays.copyOf(remoteHi, n);
        remoteLo = Arrays.copyOf(remoteLo, n);
        remotePort = Arrays.copyOf(remotePort, n);
        state = Arrays.copyOf(state, n);
        uid = Arrays.copyOf(uid, n);
        inode = Arrays.copyOf(inode, n);
        owner = Arrays.copyOf(owner, n);
        netns = Arrays.copyOf(netns, n);
    }

    /** Whether socket {@code i} listens: a TCP socket in LISTEN, or a UDP socket bound but connected to no peer. */
    boolean listening(int i) {
        return proto[i] == TCP ? state[i] == TcpState.LISTEN.code : remotePort[i] == 0 && remoteLo[i] == 0 && remoteHi[i] == 0;
    }

    String localAddress(int i) {
        return Addresses.format(family[i], localHi[i], localLo[i]);
    }

    String remoteAddress(int i) {
        return Addresses.format(family[i], remoteHi[i], remoteLo[i]);
    }

    String protocol(int i) {
        return proto[i] == TCP ? "tcp" : "udp";
    }
}
