package io.aami.server.heartbeat;

import io.aami.contract.heartbeat.LocalApiAddress;
import io.aami.server.error.ApiException;
import io.aami.server.validation.Fields;
import java.util.regex.Pattern;

/**
 * The heartbeat's {@code local_api}: a host as the agent bound it and a port. An IP literal is stored in
 * its canonical form (so the discovery can tell a wildcard or loopback address without parsing); any
 * other host an agent may bind (a name, an IPv6 literal with a zone) is kept as sent, within a character
 * set that cannot break a Prometheus {@code host:port} target.
 */
final class LocalApiField {
    static final int MAX_HOST = 253;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** The validated address; null when the agent reported none (its API is off, or it is older). */
    record Value(String host, int port) {
    }

    private LocalApiField() {
    }

    static Value read(LocalApiAddress a) {
        if (a == null) {
            return null;
        }
        String host = Fields.required("local_api.host", a.host(), MAX_HOST);
        if (!HOST.matcher(host).matches()) {
            throw ApiException.invalid("local_api.host", "is not a host name or IP address");
        }
        if (a.port() == null || a.port() < 1 || a.port() > 65535) {
            throw ApiException.invalid("local_api.port", "must be between 1 and 65535");
        }
        return new Value(IP_LITERAL.matcher(host).matches() ? Fields.ipAddress("local_api.host", host) : host, a.port());
    }
}
