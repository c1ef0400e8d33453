package io.aami.agent.probes.icmp;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls ICMP echo needs, through JNA direct mapping (no reflection per call). Every call is
 * non-blocking: sockets are opened with SOCK_NONBLOCK, and only {@link #poll} waits. Constants are Linux's (the
 * only platform the agent supports); struct layouts are those of LP64 (x86_64, aarch64).
 */
final class LibC {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_ICMPV6 = 58;
    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int SOL_SOCKET = 1;
    static final int IP_RECVERR = 11;
    static final int IPV6_RECVERR = 25;
    static final int SO_RCVBUF = 8;
    /** SO_RCVBUF past net.core.rmem_max (CAP_NET_ADMIN). */
    static final int SO_RCVBUFFORCE = 33;
    static final int SOL_RAW = 255;
    /** Raw IPv4 ICMP: a u32 mask of the types the socket does not want. */
    static final int ICMP_FILTER = 1;
    /** Raw ICMPv6 (level IPPROTO_ICMPV6): struct icmp6_filter, 256 bits, a set bit blocks that type. */
    static final int ICMP6_FILTER = 1;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETDOWN = 100;
    static final int ENETUNREACH = 101;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;
    static final int EPROTONOSUPPORT = 93;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, byte[] addr, int addrlen);

    static native int setsockopt(int fd, int level, int name, int[] value, int len);

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

    static native long recvfrom(int fd, byte[] buf, long len, int flags, byte[] addr, int[] addrlen);

    static native long recvmsg(int fd, Pointer msghdr, int flags);

    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native int eventfd(int initval, int flags);

    static native long write(int fd, byte[] buf, long count);

    static native long read(int fd, byte[] buf, long count);

    static native int close(int fd);

    /** errno of the calling thread's last call through JNA. */
    static int errno() {
        return Native.getLastError();
    }
}
