package io.aami.server.config;

import io.aami.common.config.ConfigTree;
import io.aami.server.security.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code discovery.*} keys: the inventory of address ranges outside the fleet ({@code discovery.inventory}, each
 * entry {@code <cidr>=<name>}, like planet-exporter's inventory file: databases, SaaS endpoints) and the bounds of
 * the series {@code /metrics} re-exports.
 */
final class DiscoveryKeys {
    private static final int MAX_RANGES = 10_000;

    private DiscoveryKeys() {
    }

    static ServerConfig.Discovery read(ConfigTree t) {
        return new ServerConfig.Discovery(inventory(t),
                t.integer("discovery.metrics_max_edges", 1_000, 0, 100_000),
                t.integer("discovery.metrics_max_connection_series", 1_000, 0, 100_000),
                t.integer("discovery.metrics_min_connections", 10, 1, 1_000_000));
    }

    private static List<ServerConfig.InventoryRange> inventory(ConfigTree t) {
        String key = "discovery.inventory";
        List<String> entries = t.stringList(key, List.of());
        if (entries.size() > MAX_RANGES) {
            throw t.invalid(key, "at most " + MAX_RANGES + " ranges");
        }
        List<ServerConfig.InventoryRange> out = new ArrayList<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw t.invalid(key, "'" + entry + "' is not <cidr>=<name> (e.g. 10.20.0.0/16=postgres)");
            }
            String name = entry.substring(eq + 1).trim();
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:/ -]{0,62}")) {
                throw t.invalid(key, "'" + name + "' is not a name (1-63 letters, digits and . _ : / - or space)");
            }
            Cidr cidr;
            try {
                cidr = Cidr.parse(entry.substring(0, eq).trim());
            } catch (IllegalArgumentException e) {
                throw t.invalid(key, e.getMessage());
            }
            out.add(new ServerConfig.InventoryRange(cidr.toString(), name));
        }
        return List.copyOf(out);
    }
}
