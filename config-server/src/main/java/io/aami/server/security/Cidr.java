package io.aami.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
public final class Cidr {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException with a sentence naming the problem */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr);
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' has no numeric prefix length");
            }
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("'" + s + "' has a prefix length outside 0.." + max);
        }
        return new Cidr(mask(bytes, prefix), prefix, s);
    }

    /**
     * The IP address a literal names ({@code 10.1.2.3}, {@code 2001:db8::1}; an IPv4-mapped IPv6 one as its IPv4
     * address), never resolving a name: for addresses a client wrote, such as {@code X-Forwarded-For}.
     * @throws IllegalArgumentException when it is not an IP literal
     */
    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByAddress(literal(literal == null ? "" : literal.trim()));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address");
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = unmapped(address.getAddress());
        return a.length == network.length && java.util.Arrays.equals(mask(a, prefix), network);
    }

    public int prefixLength() {
        return prefix;
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] literal(String addr) {
        if (addr.isEmpty() || !LITERAL.matcher(addr).matches() || (addr.indexOf(':') < 0 && addr.split("\\.").length != 4)) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        try {
            return unmapped(InetAddress.getByName(addr).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
    }

    /** {@code ::ffff:a.b.c.d} is the IPv4 address a.b.c.d (dual-stack sockets report it so). */
    private static byte[] unmapped(byte[] a) {
        if (a.length == 16) {
            boolean mapped = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = a[i] == 0;
            }
            if (mapped) {
                return java.util.Arrays.copyOfRange(a, 12, 16);
            }
        }
        return a;
    }

    private static byte[] mask(byte[] a, int prefix) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }
}
