package io.aami.agent.probes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Strict IP literal and host name syntax. We never hand a malformed literal to
 * {@link InetAddress#getByName}, because it would quietly try DNS (or accept "1.2.3" as 1.2.0.3).
 */
final class AddressLiterals {
    /** Hex digits, colons and dots (for an embedded IPv4 tail), then an optional zone id. */
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z._-]+)?");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private AddressLiterals() {
    }

    /** {@code text} as an IP address; anything else (host names included) is invalid for {@code field}. */
    static InetAddress ip(String field, String text) {
        InetAddress address = literalOrNull(field, text);
        if (address == null) {
            throw new InvalidProbeException(field, field + " must be an IP address, got '" + text + "'");
        }
        return address;
    }

    /**
     * {@code text} as an IP address, or null when it is a syntactically valid host name; a malformed
     * literal or name is invalid for {@code field}.
     */
    static InetAddress literalOrNull(String field, String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (digitsAndDots(t)) {
            return v4(field, t);
        }
        if (t.indexOf(':') >= 0) {
            return v6(field, t);
        }
        if (!isHostName(t)) {
            throw new InvalidProbeException(field, field + " '" + text + "' is neither an IP address nor a host name");
        }
        return null;
    }

    /** Only ASCII digits and dots, at least one: the shape of an IPv4 literal, valid or not. */
    private static boolean digitsAndDots(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !t.isEmpty();
    }

    /**
     * Exactly four dot-separated groups of 1 to 3 ASCII digits, each at most 255, read as decimal (a leading zero is
     * not octal: "010" is 10). Written out rather than as a regular expression: it runs for every probe of a
     * /run_tasks call, where the two matchers cost more than the rest of the validation.
     */
    static InetAddress v4(String field, String text) {
        byte[] bytes = new byte[4];
        int octets = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || value > 255 || octets == 4) {
                    throw invalidV4(field, text);
                }
                bytes[octets++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                throw invalidV4(field, text);
            }
        }
        if (octets != 4) {
            throw invalidV4(field, text);
        }
        return byAddress(bytes);
    }

    private static InvalidProbeException invalidV4(String field, String text) {
        return new InvalidProbeException(field, field + " '" + text + "' is not a valid IPv4 address");
    }

    private static InetAddress v6(String field, String text) {
        if (V6.matcher(text).matches() && (Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
            try {
                // Starts with a hex digit or ':' and contains ':', so the JDK parses it as a literal and never asks DNS.
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                // fall through to the error below
            }
        }
        throw new InvalidProbeException(field, field + " '" + text + "' is not a valid IPv6 address");
    }

    private static boolean isHostName(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }
}
