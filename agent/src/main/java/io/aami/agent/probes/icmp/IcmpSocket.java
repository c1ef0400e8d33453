package io.aami.agent.probes.icmp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One non-blocking ICMP socket (a family, a kind, and optionally a bound source address) and the echoes in flight on
 * it, by sequence number. A ping socket (SOCK_DGRAM) gets its identifier from the kernel, which hands it only replies
 * to that identifier, and ICMP errors through its error queue (IP_RECVERR); a raw socket (SOCK_RAW, CAP_NET_RAW) sees
 * every ICMP message of the host, so {@link #inFlight} matches identifier, sequence, peer and nonce.
 * Only the loop thread uses it after it is opened.
 */
final class IcmpSocket implements AutoCloseable {
    /** Echoes in flight on one socket: a quarter of the sequence space, so a sequence is never reused while its reply may still come. */
    static final int MAX_OUTSTANDING = 16_384;

    final int fd;
    final boolean v6;
    final boolean raw;
    /** Raw sockets: our identifier (random per socket). Ping sockets: the kernel's, unused here. */
    final int id;
    private final IcmpRun.Pending[] slots = new IcmpRun.Pending[65_536];
    int outstanding;
    /** Probes using this socket, finished or not ({@link IcmpLoop} closes a socket of none when it needs its place). */
    int runs;
    private int nextSeq;
    private final byte[] buf = new byte[4_096];
    private final byte[] from = new byte[28];
    private final int[] fromLen = new int[1];
    /** recvmsg's msghdr, iovec, name and control buffers for the error queue (LP64 layout). */
    private final Memory msg = new Memory(56 + 16 + 28 + 4 + CONTROL + 64);
    /** The control buffer's size (recvmsg's msg_controllen); it starts 8-aligned, at 104. */
    private static final int CONTROL = 512;

    private IcmpSocket(int fd, boolean v6, boolean raw, int id) {
        this.fd = fd;
        this.v6 = v6;
        this.raw = raw;
        this.id = id;
        this.nextSeq = id * 7 & 0xffff;
    }

    /** A socket, or the negative errno of the call that failed (socket or bind). */
    static Object open(boolean v6, boolean raw, InetAddress source, int id) {
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, (raw ? LibC.SOCK_RAW : LibC.SOCK_DGRAM) | LibC.SOCK_NONBLOCK
                | LibC.SOCK_CLOEXEC, v6 ? LibC.IPPROTO_ICMPV6 : LibC.IPPROTO_ICMP);
        if (fd < 0) {
            return -LibC.errno();
        }
        if (source != null) {
            byte[] sa = IcmpPackets.sockaddr(source);
            if (LibC.bind(fd, sa, sa.length) != 0) {
                int errno = LibC.errno();
                LibC.close(fd);
                return -errno;
            }
        }
        if (!raw) {
            LibC.setsockopt(fd, v6 ? LibC.SOL_IPV6 : LibC.SOL_IP, v6 ? LibC.IPV6_RECVERR : LibC.IP_RECVERR, new int[] {1}, 4);
        }
        if (raw) {
            filter(fd, v6);
        }
        // Replies to thousands of echoes may arrive at once: a larger buffer than rmem_max where we may (root).
        if (LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, new int[] {4 << 20}, 4) != 0) {
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, new int[] {4 << 20}, 4);
        }
        return new IcmpSocket(fd, v6, raw, id);
    }

    /**
     * A raw socket gets a copy of every ICMP message of the host, our own echo requests included on loopback: the
     * kernel keeps only echo replies, unreachables and time exceeded, so the others never fill the receive buffer.
     */
    private static void filter(int fd, boolean v6) {
        if (v6) {
            int[] block = new int[8];
            java.util.Arrays.fill(block, -1);
            for (int type : new int[] {1, 3, IcmpPackets.ECHO_REPLY_V6}) {
                block[type >> 5] &= ~(1 << (type & 31));
            }
            LibC.setsockopt(fd, LibC.IPPROTO_ICMPV6, LibC.ICMP6_FILTER, block, 32);
        } else {
            int wanted = 1 << IcmpPackets.ECHO_REPLY_V4 | 1 << 3 | 1 << 11;
            LibC.setsockopt(fd, LibC.SOL_RAW, LibC.ICMP_FILTER, new int[] {~wanted}, 4);
        }
    }

    /** A free sequence number for {@code p}, or -1 when {@link #MAX_OUTSTANDING} echoes are in flight. */
    int claim(IcmpRun.Pending p) {
        if (outstanding >= MAX_OUTSTANDING) {
            return -1;
        }
        while (slots[nextSeq] != null) {
            nextSeq = (nextSeq + 1) & 0xffff;
        }
        int seq = nextSeq;
        nextSeq = (nextSeq + 1) & 0xffff;
        slots[seq] = p;
        outstanding++;
        return seq;
    }

    /**
     * The echo in flight on this socket that {@code h} answers, or null: the one in its sequence's slot, still open,
     * with the identifier (raw sockets), the probed address as the peer, and its nonce if {@code h} quotes one.
     */
    IcmpRun.Pending inFlight(IcmpPackets.Heard h) {
        IcmpRun.Pending p = slots[h.seq()];
        if (p == null || !p.open || (raw && h.id() != id) || !Arrays.equals(h.peer(), p.run.target)) {
            return null;
        }
        return h.nonced() && h.nonce() != p.nonce ? null : p;
    }

    void release(int seq) {
        if (slots[seq] != null) {
            slots[seq] = null;
            outstanding--;
        }
    }

    /** 0, or the errno of a failed send. */
    int send(byte[] packet, byte[] sockaddr) {
        long n = LibC.sendto(fd, packet, packet.length, LibC.MSG_DONTWAIT, sockaddr, sockaddr.length);
        return n < 0 ? LibC.errno() : 0;
    }

    /** Reads every datagram waiting, and for a ping socket its error queue, handing each parsed one to {@code sink}. */
    void drain(Consumer<IcmpPackets.Heard> sink) {
        for (int i = 0; i < 1_024; i++) {
            fromLen[0] = from.length;
            long n = LibC.recvfrom(fd, buf, buf.length, LibC.MSG_DONTWAIT, from, fromLen);
            if (n < 0) {
                break;
            }
            byte[] peer = IcmpPackets.address(from, fromLen[0]);
            IcmpPackets.Heard h = peer == null ? null : IcmpPackets.parse(buf, (int) n, v6, raw, peer);
            if (h != null) {
                sink.accept(h);
            }
        }
        if (!raw) {
            drainErrors(sink);
        }
    }

    /**
     * The error queue: each entry's data is our echo's ICMP header (its sequence), its name the echo's destination,
     * and its IP_RECVERR control message a sock_extended_err whose first field is the errno (EHOSTUNREACH…).
     */
    private void drainErrors(Consumer<IcmpPackets.Heard> sink) {
        Pointer iov = msg.share(56);
        Pointer name = msg.share(72);
        Pointer control = msg.share(104);
        Pointer data = msg.share(104 + CONTROL);
        for (int i = 0; i < 1_024; i++) {
            msg.clear(56);
            msg.setPointer(0, name);
            msg.setInt(8, 28);
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, CONTROL);
            iov.setPointer(0, data);
            iov.setLong(8, 64);
            long n = LibC.recvmsg(fd, msg, LibC.MSG_ERRQUEUE | LibC.MSG_DONTWAIT);
            if (n < 0) {
                return;
            }
            int errno = firstErrno(control, msg.getLong(40));
            byte[] dst = IcmpPackets.address(name.getByteArray(0, 28), msg.getInt(8));
            if (errno > 0 && dst != null && n >= 8) {
                int quoted = (int) Math.min(n, 64);
                sink.accept(IcmpPackets.error(data.getByteArray(0, quoted), 0, quoted, dst, IcmpPackets.errno(errno)));
            }
        }
    }

    /**
     * The ee_errno of the first control message (cmsghdr: len 8, level 4, type 4, then a 16-byte sock_extended_err), or
     * 0 unless it is a whole IP_RECVERR / IPV6_RECVERR message inside the {@value #CONTROL} bytes given to recvmsg.
     */
    private int firstErrno(Pointer control, long controlLen) {
        if (controlLen < 32 || controlLen > CONTROL) {
            return 0;
        }
        long cmsgLen = control.getLong(0);
        int level = control.getInt(8);
        int type = control.getInt(12);
        boolean ours = v6 ? level == LibC.SOL_IPV6 && type == LibC.IPV6_RECVERR : level == LibC.SOL_IP && type == LibC.IP_RECVERR;
        return ours && cmsgLen >= 32 && cmsgLen <= controlLen ? control.getInt(16) : 0;
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
