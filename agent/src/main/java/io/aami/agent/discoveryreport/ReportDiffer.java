package io.aami.agent.discoveryreport;

import io.aami.contract.discovery.DiscoveredEdge;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import io.aami.contract.discovery.DiscoveryLimits;
import io.aami.contract.discovery.DiscoveryReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * Decides what a scan sends, against the last summary sent: the whole summary when none was sent yet (a start), when
 * {@code fullInterval} passed since the last full one, or when the diff would exceed a row bound; else only the rows
 * that changed (a gone one with count 0) and the state totals, numbered onto the last report's seq; nothing when
 * nothing changed. Not thread-safe: the discovery loop's thread only.
 */
final class ReportDiffer {
    private final Duration fullInterval;
    private Summary sent;
    private long sentSeq;
    private Instant lastFull;

    ReportDiffer(Duration fullInterval) {
        this.fullInterval = fullInterval;
    }

    /** The report to spool for {@code now} (made for its seq), or null when nothing changed. */
    LongFunction<DiscoveryReport> next(Summary now, Instant at) {
        if (sent == null || !at.isBefore(lastFull.plus(fullInterval))) {
            return full(now, at);
        }
        List<DiscoveredService> services = diff(sent.services(), now.services(), (k, n) ->
                new DiscoveredService(k.protocol(), k.bind(), k.port(), k.process(), n));
        List<DiscoveredEdge> edges = diff(sent.edges(), now.edges(), (k, n) ->
                new DiscoveredEdge(k.direction(), k.protocol(), k.process(), k.port(), k.remoteAddress(), n));
        List<DiscoveredState> states = diff(sent.states(), now.states(), (k, n) ->
                new DiscoveredState(k.state(), k.process(), k.container(), k.localPort(), k.remoteAddress(), k.remotePort(), n));
        if (services.isEmpty() && edges.isEmpty() && states.isEmpty() && sent.totals().equals(now.totals())
                && sent.partial() == now.partial() && sent.truncated() == now.truncated()) {
            return null;
        }
        if (services.size() > DiscoveryLimits.MAX_SERVICES || edges.size() > DiscoveryLimits.MAX_EDGES
                || states.size() > DiscoveryLimits.MAX_STATES) {
            return full(now, at);
        }
        long base = sentSeq;
        return seq -> new DiscoveryReport(seq, DiscoveryLimits.DIFF, base, at, now.partial(), now.truncated(), now.totals(),
                services, edges, states);
    }

    /** Records that the report {@link #next} made for {@code now} was spooled as {@code seq}. */
    void sent(Summary now, long seq, DiscoveryReport report) {
        if (DiscoveryLimits.FULL.equals(report.kind())) {
            lastFull = report.scannedAt();
        }
        sent = now;
        sentSeq = seq;
    }

    /** Forgets what was sent (a report could not be spooled): the next one is full. */
    void reset() {
        sent = null;
    }

    private static LongFunction<DiscoveryReport> full(Summary now, Instant at) {
        return seq -> new DiscoveryReport(seq, DiscoveryLimits.FULL, null, at, now.partial(), now.truncated(), now.totals(),
                rows(now.services(), (k, n) -> new DiscoveredService(k.protocol(), k.bind(), k.port(), k.process(), n)),
                rows(now.edges(), (k, n) -> new DiscoveredEdge(k.direction(), k.protocol(), k.process(), k.port(), k.remoteAddress(), n)),
                rows(now.states(), (k, n) -> new DiscoveredState(k.state(), k.process(), k.container(), k.localPort(),
                        k.remoteAddress(), k.remotePort(), n)));
    }

    private static <K> List<K> rows(Map<K, Long> now, BiFunction<K, Long, K> row) {
        List<K> out = new ArrayList<>(now.size());
        now.forEach((k, n) -> out.add(row.apply(k, n)));
        return out;
    }

    private static <K> List<K> diff(Map<K, Long> before, Map<K, Long> now, BiFunction<K, Long, K> row) {
        List<K> out = new ArrayList<>();
        now.forEach((k, n) -> {
            if (!Objects.equals(before.get(k), n)) {
                out.add(row.apply(k, n));
            }
        });
        before.keySet().forEach(k -> {
            if (!now.containsKey(k)) {
                out.add(row.apply(k, 0L));
            }
        });
        return out;
    }
}
