package io.aami.agent.discovery;

/** Addresses as {@link SocketTable} keeps them, written as text: dotted IPv4, RFC 5952 IPv6 ({@code ::1}). */
final class Addresses {
    private Addresses() {
    }

    static String format(byte family, long hi, long lo) {
        if (family == 4) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 4; g++) {
            groups[g] = (int) (hi >>> (48 - 16 * g)) & 0xffff;
            groups[g + 4] = (int) (lo >>> (48 - 16 * g)) & 0xffff;
        }
        // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
        int bestStart = -1;
        int bestLen = 1;
        for (int g = 0; g < 8; ) {
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > bestLen) {
                bestStart = g;
                bestLen = end - g;
            }
            g = end == g ? g + 1 : end;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[g]));
        }
        return sb.toString();
    }

    /** {@code addr:port} as planet-exporter writes a bind ({@code 0.0.0.0:22}, {@code :::22}). */
    static String bind(String address, int port) {
        return address + ":" + port;
    }
}
