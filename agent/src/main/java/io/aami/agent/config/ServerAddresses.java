package io.aami.agent.config;

import io.aami.common.config.ConfigTree;
import io.aami.common.net.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code server.address} (one config-server) or {@code server.addresses} (several replicas sharing one
 * database; {@code AAMI_SERVER_ADDRESSES=a:8443,b:8443}): exactly one of the two, each entry a
 * {@code host:port} by the same grammar as {@code server.address}.
 */
final class ServerAddresses {
    /** More than a handful of replicas belongs behind a load balancer; the bound keeps a typo'd list from being huge. */
    static final int MAX = 16;

    private ServerAddresses() {
    }

    static List<HostPort> read(ConfigTree t) {
        boolean single = !t.string("server.address", "").isBlank();
        List<String> listed = t.stringList("server.addresses", List.of());
        if (single && !listed.isEmpty()) {
            throw t.invalid("server.addresses", "set server.address (one server) or server.addresses (several), not both");
        }
        if (single) {
            return List.of(t.hostPort("server.address", null));
        }
        if (listed.isEmpty()) {
            throw t.invalid("server.address", "is required (host:port of the config-server), or server.addresses (a list of"
                    + " its replicas)");
        }
        if (listed.size() > MAX) {
            throw t.invalid("server.addresses", "lists " + listed.size() + " servers, at most " + MAX);
        }
        List<HostPort> out = new ArrayList<>();
        Set<HostPort> seen = new HashSet<>();
        for (String entry : listed) {
            HostPort hp;
            try {
                hp = HostPort.parse(entry);
            } catch (IllegalArgumentException e) {
                throw t.invalid("server.addresses", e.getMessage());
            }
            if (!seen.add(hp)) {
                throw t.invalid("server.addresses", "lists " + hp + " twice");
            }
            out.add(hp);
        }
        return List.copyOf(out);
    }
}
