package io.aami.server.discovery;

import static io.aami.contract.discovery.DiscoveryLimits.STATES;

import io.aami.contract.discovery.DiscoveredEdge;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import io.aami.contract.discovery.DiscoveryLimits;
import io.aami.contract.discovery.DiscoveryReport;
import io.aami.server.error.ApiException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The shape of one discovery report, checked before anything of its batch is stored (a 400 naming the field,
 * e.g. {@code results[0].edges[3].remote_address}): kind and base, the row bounds of {@link DiscoveryLimits},
 * protocols, directions and states from their lists, ports 0..65535, addresses as IP literals (a state's remote
 * may be {@code other}), names within {@link DiscoveryLimits#MAX_NAME}, counts at least 1 (0 only in a diff:
 * a row gone), no row twice.
 */
final class ReportValidator {
    private ReportValidator() {
    }

    static void validate(int i, DiscoveryReport r) {
        String at = "results[" + i + "].";
        boolean full = DiscoveryLimits.FULL.equals(r.kind());
        require(full || DiscoveryLimits.DIFF.equals(r.kind()), at + "kind", "must be full or diff");
        require(full ? r.baseSeq() == null : r.baseSeq() != null && r.baseSeq() >= 1 && r.baseSeq() < r.seq(), at + "base_seq",
                full ? "must be absent in a full report" : "must be the seq of an earlier report (1..seq-1)");
        require(r.scannedAt() != null, at + "scanned_at", "is required");
        require(r.stateTotals() != null, at + "state_totals", "is required");
        for (Map.Entry<String, Long> e : r.stateTotals().entrySet()) {
            require(oneOf(STATES, e.getKey()), at + "state_totals", "'" + e.getKey() + "' is not one of " + STATES);
            require(e.getValue() != null && e.getValue() >= 0, at + "state_totals." + e.getKey(), "must be a count (0 or more)");
        }
        long min = full ? 1 : 0;
        rows(at + "services", r.services(), DiscoveryLimits.MAX_SERVICES, DiscoveredService::key, (f, s) -> {
            protocol(f, s.protocol());
            ip(f + ".bind", s.bind());
            port(f + ".port", s.port());
            name(f + ".process", s.process());
            count(f, s.count(), min);
        });
        rows(at + "edges", r.edges(), DiscoveryLimits.MAX_EDGES, DiscoveredEdge::key, (f, e) -> {
            require(DiscoveryLimits.UPSTREAM.equals(e.direction()) || DiscoveryLimits.DOWNSTREAM.equals(e.direction()),
                    f + ".direction", "must be upstream or downstream");
            protocol(f, e.protocol());
            name(f + ".process", e.process());
            port(f + ".port", e.port());
            ip(f + ".remote_address", e.remoteAddress());
            count(f, e.count(), min);
        });
        rows(at + "states", r.states(), DiscoveryLimits.MAX_STATES, DiscoveredState::key, (f, s) -> {
            require(oneOf(STATES, s.state()), f + ".state", "must be one of " + STATES);
            name(f + ".process", s.process());
            name(f + ".container", s.container());
            port(f + ".local_port", s.localPort());
            port(f + ".remote_port", s.remotePort());
            if (!"other".equals(s.remoteAddress())) {
                ip(f + ".remote_address", s.remoteAddress());
            }
            count(f, s.count(), min);
        });
    }

    private interface RowCheck<T> {
        void check(String field, T row);
    }

    private static <T> void rows(String field, List<T> rows, int max, Function<T, T> key, RowCheck<T> check) {
        require(rows != null, field, "is required (an empty list for none)");
        require(rows.size() <= max, field, "at most " + max + " rows");
        Set<T> seen = new HashSet<>();
        for (int j = 0; j < rows.size(); j++) {
            String f = field + "[" + j + "]";
            require(rows.get(j) != null, f, "must be an object");
            check.check(f, rows.get(j));
            require(seen.add(key.apply(rows.get(j))), f, "repeats an earlier row");
        }
    }

    private static void protocol(String f, String protocol) {
        require(oneOf(DiscoveryLimits.PROTOCOLS, protocol), f + ".protocol", "must be tcp or udp");
    }

    /** {@code List.of}'s {@code contains} throws on null: a row with the field missing would be a 500, not a 400. */
    private static boolean oneOf(List<String> allowed, String value) {
        return value != null && allowed.contains(value);
    }

    private static void port(String f, int port) {
        require(port >= 0 && port <= 65_535, f, "must be 0..65535");
    }

    private static void name(String f, String name) {
        require(name != null && name.length() <= DiscoveryLimits.MAX_NAME, f,
                "is required (at most " + DiscoveryLimits.MAX_NAME + " characters; empty when unknown)");
    }

    private static void ip(String f, String address) {
        require(address != null && address.length() <= 45 && IpText.canonical(address) != null, f, "must be an IPv4 or IPv6 address");
    }

    private static void count(String f, long count, long min) {
        require(count >= min, f + ".count", min == 0 ? "must not be negative" : "must be at least 1 in a full report");
    }

    static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw ApiException.invalid(field, problem);
        }
    }
}
