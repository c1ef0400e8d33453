package io.aami.server.heartbeat;

import io.aami.contract.heartbeat.LocalApiAddress;
import io.aami.server.error.ApiException;
import io.aami.server.validation.Fields;
import java.util.regex.Pattern;

/**
 * The heartbeat's {@code local_api}: the IP address the agent bound and a port. The address is stored in its
 * canonical form (so the discovery can compare it with the heartbeat's source and tell a wildcard or loopback
 * address without parsing). A host name, or an IPv6 literal with a zone, is refused: the discovery never lists
 * a name (an agent could point the central Prometheus at any host), and a zone means nothing off the agent's
 * host. A refusal here drops the field, never the heartbeat ({@link HeartbeatService}).
 */
final class LocalApiField {
    static final int MAX_HOST = 253;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** The validated address; null when the agent reported none (its API is off, or it is older). */
    record Value(String host, int port) {
    }

    private LocalApiField() {
    }

    /** @throws ApiException naming {@code local_api.host} or {@code local_api.port} when the address is unusable */
    static Value read(LocalApiAddress a) {
        if (a == null) {
            return null;
        }
        String host = Fields.required("local_api.host", a.host(), MAX_HOST);
        if (!IP_LITERAL.matcher(host).matches()) {
            throw ApiException.invalid("local_api.host", "must be an IP address (a host name is never listed)");
        }
        if (a.port() == null || a.port() < 1 || a.port() > 65535) {
            throw ApiException.invalid("local_api.port", "must be between 1 and 65535");
        }
        return new Value(Fields.ipAddress("local_api.host", host), a.port());
    }
}
