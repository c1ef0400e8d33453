package io.aami.common.net;

import java.util.EnumSet;
import java.util.List;

/**
 * A {@code host:port} as both processes read it from their configuration: the agent's
 * {@code server.address} and {@code api.listen}, the server's {@code listen}.
 *
 * <p>One grammar: surrounding whitespace is ignored (as for every other config value); the host is
 * never empty (write {@code 0.0.0.0:8443} or {@code [::]:8443} for every address); an IPv6 host is
 * written in brackets, because without them {@code 2001:db8::1} would read as host {@code 2001:db8:}
 * and port 1; the port is ASCII digits (leading zeros allowed) within 1..65535, or 0..65535 with {@link Option#PORT_ZERO}.
 * {@link #host()} holds the IPv6 address without its brackets.
 */
public record HostPort(String host, int port) {
    /** What one key accepts beyond the common grammar. */
    public enum Option {
        /** Port 0 is allowed: a listening address where 0 lets the system pick a free port. */
        PORT_ZERO
    }

    private static final int MAX_PORT = 65_535;

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is outside 0.." + MAX_PORT);
        }
    }

    /**
     * Parses {@code value}; a problem is an {@link IllegalArgumentException} whose message quotes the
     * value (config loaders prefix it with the key).
     */
    public static HostPort parse(String value, Option... options) {
        EnumSet<Option> opts = options.length == 0 ? EnumSet.noneOf(Option.class) : EnumSet.copyOf(List.of(options));
        String v = value == null ? "" : value.trim();
        String host;
        String port;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            if (end < 0 || end + 1 >= v.length() || v.charAt(end + 1) != ':') {
                throw notHostPort(v);
            }
            host = v.substring(1, end);
            port = v.substring(end + 2);
        } else {
            int colon = v.lastIndexOf(':');
            if (colon < 0) {
                throw notHostPort(v);
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + v + "' is not host:port (write an IPv6 address in brackets,"
                        + " e.g. [::1]:8443)");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + v + "' is not host:port (the host is empty; write 0.0.0.0:port"
                    + " or [::]:port for every address)");
        }
        return new HostPort(host, port(v, port, opts.contains(Option.PORT_ZERO) ? 0 : 1));
    }

    private static int port(String value, String digits, int min) {
        if (!digits.matches("[0-9]+")) {
            throw new IllegalArgumentException("'" + value + "' does not end in a port number");
        }
        // Leading zeros are allowed (0080 is 80, as Integer.parseInt read it before); past five significant
        // digits it is out of range whatever it says (and might not fit an int).
        String significant = digits.replaceFirst("^0+(?=.)", "");
        int port = significant.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(significant);
        if (port < min || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + digits + " is outside " + min + ".." + MAX_PORT);
        }
        return port;
    }

    private static IllegalArgumentException notHostPort(String value) {
        return new IllegalArgumentException("'" + value + "' is not host:port");
    }

    /** {@code host:port}, the host in brackets when it is an IPv6 address. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
