package io.aami.agent.discovery;

import java.nio.ByteOrder;

/**
 * Parses {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6} straight from their bytes into a
 * {@link SocketTable}: no line strings, no regular expression, nothing allocated per socket. Each line is
 * {@code sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode ...}; addresses are hex
 * words in the host's byte order. A line that does not parse is skipped and counted, never a failed scan:
 * the file is the kernel's, but a future kernel may add columns (they come after the inode, which is all
 * this reads).
 */
final class ProcNetParser {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** A byte's value as a hex digit, or -1: one load per digit instead of three range tests. */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            HEX["0123456789ABCDEF".charAt(d)] = (byte) d;
            HEX["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }

    private byte[] buf;
    private int end;
    private int pos;
    private int skipped;

    /** Lines that did not parse since the last call to this method. */
    int takeSkipped() {
        int s = skipped;
        skipped = 0;
        return s;
    }

    /** Appends the sockets in {@code data[0, length)} (the file's whole content) to {@code out}. */
    void parse(byte[] data, int length, byte proto, boolean v6, SocketTable out) {
        buf = data;
        end = length;
        pos = 0;
        nextLine(); // the header
        while (pos < end) {
            int before = out.size;
            if (!parseLine(proto, v6, out)) {
                skipped++;
                out.size = before; // the half-filled socket is dropped
            }
            nextLine();
        }
        buf = null;
    }

    private boolean parseLine(byte proto, boolean v6, SocketTable out) {
        skipSpaces();
        if (pos >= end || buf[pos] == '\n') {
            return true; // an empty last line
        }
        if (!skipToken()) {
            return false; // "sl:"
        }
        int i = out.add();
        out.proto[i] = proto;
        if (!address(v6, out, i, true) || !address(v6, out, i, false)) {
            return false;
        }
        skipSpaces();
        long st = hex(2);
        if (st < 0 || !skipToken() || !skipToken() || !skipToken()) {
            return false; // st, tx:rx, tr:when, retrnsmt
        }
        out.state[i] = (byte) st;
        skipSpaces();
        long uid = decimal();
        skipSpaces();
        if (uid < 0 || decimal() < 0) {
            return false; // uid, timeout
        }
        skipSpaces();
        long inode = decimal();
        if (inode < 0) {
            return false;
        }
        out.uid[i] = (int) uid;
        out.inode[i] = inode;
        return true;
    }

    /** {@code HHHHHHHH:PPPP} (or 32 hex digits for IPv6) into the local or remote columns of socket {@code i}. */
    private boolean address(boolean v6, SocketTable out, int i, boolean local) {
        skipSpaces();
        long hi = 0;
        long lo;
        if (v6) {
            long w0 = word();
            long w1 = word();
            long w2 = word();
            long w3 = word();
            if ((w0 | w1 | w2 | w3) < 0) {
                return false;
            }
            hi = w0 << 32 | w1;
            lo = w2 << 32 | w3;
        } else {
            lo = word();
            if (lo < 0) {
                return false;
            }
        }
        if (pos >= end || buf[pos++] != ':') {
            return false;
        }
        long port = hex(4);
        if (port < 0) {
            return false;
        }
        // ::ffff:a.b.c.d, a dual-stack socket talking IPv4: kept as the IPv4 address it is.
        boolean mapped = v6 && hi == 0 && (lo >>> 32) == 0xffffL;
        if (mapped) {
            lo &= 0xffffffffL;
        }
        if (local) {
            // The local address decides the family: a listener's remote side is all zeros whatever its own.
            out.family[i] = v6 && !mapped ? (byte) 6 : (byte) 4;
        }
        if (local) {
            out.localHi[i] = hi;
            out.localLo[i] = lo;
            out.localPort[i] = (int) port;
        } else {
            out.remoteHi[i] = hi;
            out.remoteLo[i] = lo;
            out.remotePort[i] = (int) port;
        }
        return true;
    }

    /** Eight hex digits, one 32-bit word in host order, returned in network order; -1 if malformed. */
    private long word() {
        long v = hex(8);
        if (v < 0) {
            return -1;
        }
        return LITTLE_ENDIAN ? Integer.reverseBytes((int) v) & 0xffffffffL : v;
    }

    private long hex(int digits) {
        if (end - pos < digits) {
            return -1;
        }
        long v = 0;
        int bad = 0;
        for (int k = 0; k < digits; k++) {
            int d = HEX[buf[pos++] & 0xff];
            bad |= d;
            v = v << 4 | (d & 0xf);
        }
        return bad < 0 ? -1 : v;
    }

    private long decimal() {
        int start = pos;
        long v = 0;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9' && pos - start < 19) {
            v = v * 10 + (buf[pos++] - '0');
        }
        return pos == start ? -1 : v;
    }

    private void skipSpaces() {
        while (pos < end && buf[pos] == ' ') {
            pos++;
        }
    }

    /** Skips spaces and then one token; false at the end of the line. */
    private boolean skipToken() {
        skipSpaces();
        int start = pos;
        while (pos < end && buf[pos] != ' ' && buf[pos] != '\n') {
            pos++;
        }
        return pos > start;
    }

    private void nextLine() {
        while (pos < end && buf[pos] != '\n') {
            pos++;
        }
        pos++;
    }
}
