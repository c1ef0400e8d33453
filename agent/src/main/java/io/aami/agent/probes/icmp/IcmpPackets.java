package io.aami.agent.probes.icmp;

import io.aami.contract.probes.ProbeReason;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * ICMP and ICMPv6 echo packets, sockaddr structs, and what an arriving packet says about one of our echoes. Nothing
 * here trusts a packet: every offset is checked against the length read, and whatever does not parse is
 * {@link #IGNORED}.
 */
final class IcmpPackets {
    static final int ECHO_REQUEST_V4 = 8;
    static final int ECHO_REPLY_V4 = 0;
    static final int ECHO_REQUEST_V6 = 128;
    static final int ECHO_REPLY_V6 = 129;
    /** Header (8) and payload: the echo's 8-byte nonce, then 8 zero bytes. */
    static final int ECHO_LENGTH = 24;

    /**
     * An echo reply ({@code reason} null) or an error about an echo we sent ({@code reason} set): {@code id} and
     * {@code seq} are the echo's, {@code peer} the replying host (reply) or the original destination (error);
     * {@code nonced}: the packet carries the echo's {@code nonce} (a reply of 16 bytes or more, an error quoting them).
     */
    record Heard(int id, int seq, byte[] peer, long nonce, boolean nonced, ProbeReason reason) {
    }

    /** An error about an echo: the nonce when the quoted echo (from {@code at}, {@code len} bytes in all) reaches it. */
    static Heard error(byte[] b, int at, int len, byte[] dst, ProbeReason reason) {
        boolean nonced = len - at >= 16;
        return new Heard(getShort(b, at + 4), getShort(b, at + 6), dst, nonced ? nonce(b, at + 8) : 0, nonced, reason);
    }

    static final Heard IGNORED = null;

    private IcmpPackets() {
    }

    /** An echo request; the checksum is filled in only for raw IPv4 (the kernel does ICMPv6's and ping sockets'). */
    static byte[] echo(boolean v6, boolean raw, int id, int seq, long nonce) {
        byte[] p = new byte[ECHO_LENGTH];
        p[0] = (byte) (v6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4);
        putShort(p, 4, id);
        putShort(p, 6, seq);
        for (int i = 0; i < 8; i++) {
            p[8 + i] = (byte) (nonce >>> (56 - 8 * i));
        }
        if (raw && !v6) {
            putShort(p, 2, checksum(p, 0, p.length));
        }
        return p;
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes at {@code off}. */
    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) == 1) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * What {@code len} bytes read from a socket say. A ping socket's data starts at the ICMP header and its replies
     * are already ours (the kernel matches the id); a raw IPv4 socket's starts at the IP header, and a raw socket sees
     * every ICMP message of the host, errors included, whose quoted packet names the echo they are about.
     */
    static Heard parse(byte[] b, int len, boolean v6, boolean raw, byte[] from) {
        int at = 0;
        if (raw && !v6) {
            at = (b[0] & 0x0f) * 4;
            if (len < 20 || (b[0] & 0xf0) != 0x40 || at < 20) {
                return IGNORED; // an IHL under 5 would read the IP header as ICMP
            }
        }
        if (len - at < 8) {
            return IGNORED;
        }
        int type = b[at] & 0xff;
        int code = b[at + 1] & 0xff;
        if (type == (v6 ? ECHO_REPLY_V6 : ECHO_REPLY_V4)) {
            boolean nonced = len - at >= 16;
            return new Heard(getShort(b, at + 4), getShort(b, at + 6), from, nonced ? nonce(b, at + 8) : 0, nonced, null);
        }
        if (!raw) {
            return IGNORED;
        }
        ProbeReason reason = v6 ? errorV6(type, code) : errorV4(type, code);
        return reason == null ? IGNORED : quoted(b, at + 8, len, v6, reason);
    }

    /** The echo request an ICMP error quotes: its IP header, then at least our ICMP header's 8 bytes. */
    private static Heard quoted(byte[] b, int at, int len, boolean v6, ProbeReason reason) {
        int icmp;
        byte[] dst;
        if (v6) {
            if (len - at < 48 || (b[at] & 0xf0) != 0x60 || (b[at + 6] & 0xff) != LibC.IPPROTO_ICMPV6) {
                return IGNORED;
            }
            dst = Arrays.copyOfRange(b, at + 24, at + 40);
            icmp = at + 40;
        } else {
            if (len - at < 28 || (b[at] & 0xf0) != 0x40 || (b[at + 9] & 0xff) != LibC.IPPROTO_ICMP) {
                return IGNORED;
            }
            dst = Arrays.copyOfRange(b, at + 16, at + 20);
            int ihl = (b[at] & 0x0f) * 4;
            if (ihl < 20) {
                return IGNORED; // a forged quote: its "ICMP header" would be inside its IP header
            }
            icmp = at + ihl;
        }
        if (len - icmp < 8 || (b[icmp] & 0xff) != (v6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4)) {
            return IGNORED;
        }
        return error(b, icmp, len, dst, reason);
    }

    static ProbeReason errorV4(int type, int code) {
        if (type == 11) {
            return ProbeReason.NO_ROUTE; // TTL exceeded: a routing loop, the target is not reachable from here
        }
        if (type != 3) {
            return null;
        }
        return switch (code) {
            case 0, 6, 9, 10, 11, 13 -> ProbeReason.NO_ROUTE; // network unreachable/unknown, administratively prohibited
            default -> ProbeReason.HOST_UNREACHABLE;
        };
    }

    static ProbeReason errorV6(int type, int code) {
        if (type == 3) {
            return ProbeReason.NO_ROUTE;
        }
        if (type != 1) {
            return null;
        }
        return code == 0 || code == 1 || code == 5 || code == 6 ? ProbeReason.NO_ROUTE : ProbeReason.HOST_UNREACHABLE;
    }

    /** An error queue's errno (a ping socket's ICMP errors, IP_RECVERR) as a reason. */
    static ProbeReason errno(int errno) {
        return switch (errno) {
            case LibC.ENETUNREACH, LibC.ENETDOWN, LibC.EACCES, LibC.EPERM -> ProbeReason.NO_ROUTE;
            case LibC.EADDRNOTAVAIL, LibC.EINVAL -> ProbeReason.BIND_ERROR;
            default -> ProbeReason.HOST_UNREACHABLE;
        };
    }

    /** struct sockaddr_in / sockaddr_in6 of {@code a}, port 0. */
    static byte[] sockaddr(InetAddress a) {
        byte[] raw = a.getAddress();
        boolean v6 = raw.length == 16;
        byte[] s = new byte[v6 ? 28 : 16];
        putNativeShort(s, 0, v6 ? LibC.AF_INET6 : LibC.AF_INET);
        if (v6) {
            System.arraycopy(raw, 0, s, 8, 16);
            int scope = ((Inet6Address) a).getScopeId();
            putNativeInt(s, 24, scope);
        } else {
            System.arraycopy(raw, 0, s, 4, 4);
        }
        return s;
    }

    /** The address bytes of a sockaddr a recvfrom filled in, or null. */
    static byte[] address(byte[] sockaddr, int len) {
        int family = nativeShort(sockaddr, 0);
        if (family == LibC.AF_INET && len >= 8) {
            return Arrays.copyOfRange(sockaddr, 4, 8);
        }
        if (family == LibC.AF_INET6 && len >= 24) {
            return Arrays.copyOfRange(sockaddr, 8, 24);
        }
        return null;
    }

    static long nonce(byte[] b, int at) {
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = (n << 8) | (b[at + i] & 0xff);
        }
        return n;
    }

    static int getShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static boolean little() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    static void putNativeShort(byte[] b, int at, int v) {
        b[at + (little() ? 0 : 1)] = (byte) v;
        b[at + (little() ? 1 : 0)] = (byte) (v >>> 8);
    }

    static int nativeShort(byte[] b, int at) {
        return little() ? (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) : ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static void putNativeInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + (little() ? i : 3 - i)] = (byte) (v >>> (8 * i));
        }
    }
}
