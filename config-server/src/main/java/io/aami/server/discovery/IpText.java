package io.aami.server.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One spelling per address, so an agent's report and a target's recorded address compare as text: IPv4 dotted,
 * IPv4-mapped IPv6 as the IPv4 address, IPv6 lower case with the longest zero run as {@code ::} (RFC 5952).
 * Only for literals already validated (never resolved through DNS: {@code InetAddress} parses a literal).
 */
final class IpText {
    private static final java.util.regex.Pattern V4 = java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final java.util.regex.Pattern V6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpText() {
    }

    /** The canonical text of {@code literal}, or null when it is not an IP literal. */
    static String canonical(String literal) {
        // Only a dotted quad or a string with ':' (always parsed as an IPv6 literal): nothing here may reach DNS.
        if (literal == null || !(V4.matcher(literal).matches() || literal.indexOf(':') >= 0 && V6.matcher(literal).matches())) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(literal);
            return a instanceof Inet4Address ? a.getHostAddress() : v6(a.getAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static InetAddress parse(String canonical) {
        try {
            return InetAddress.getByName(canonical);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(canonical, e);
        }
    }

    private static String v6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int end = i;
            while (end < 8 && g[end] == 0) {
                end++;
            }
            if (end - i > bestLen) {
                bestStart = i;
                bestLen = end - i;
            }
            i = end == i ? i + 1 : end;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }
}
