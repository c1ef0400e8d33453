package io.aami.server.metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The check series of each target ({@code aami_check_status}, {@code _stale}, {@code _duration_seconds},
 * {@code _last_run_timestamp_seconds}) kept as rendered lines between renderings ({@link TargetLines}), so that a
 * rendering reads and writes only the lines that may have changed and streams the rest as kept bytes. A check's lines
 * are made again when a transaction the last rendering could not have seen changed its latest result (V018's
 * {@code check_latest_check_changes}, per target and check, written by a trigger: any replica's ingest, or any SQL;
 * only those pairs' rows are read), or when its result has turned stale by time since; all of a target's lines when
 * its group, online state or labels changed (its results are read again); everything when the enabled check
 * definitions changed (the assignment, names, intervals), at the first rendering, and after a rendering that failed
 * (nothing kept is trusted then). The text is byte for byte a full rendering's: the same rows in the same order, each
 * line from the same code.
 */
final class CheckBlocks {
    /** A target's label bytes around the check's name: {@code agent_id="…",check="} and {@code ",group="…",hostname="…"} }. */
    record Labels(byte[] head, byte[] tail, String text) {
    }

    /** The families the lines belong to, in {@link TargetLines#block} order. */
    record Families(FleetText.Family status, FleetText.Family stale, FleetText.Family duration, FleetText.Family lastRun) {
    }

    private final FleetStore store;
    private Map<String, TargetLines> kept = Map.of();
    private List<CheckAssignment.Check> definitions = List.of();
    /** The snapshot xmin of the rendering {@link #kept} comes from; null while nothing is kept. */
    private String keptXmin;
    private int lastRendered;
    private int lastChecksRendered;

    CheckBlocks(FleetStore store) {
        this.store = store;
    }

    /** Targets some of whose lines the last rendering made anew (the others' were kept whole). */
    int lastRendered() {
        return lastRendered;
    }

    /** Checks whose lines the last rendering made anew, or whose changed result it read. */
    int lastChecksRendered() {
        return lastChecksRendered;
    }

    /** Writes every target's check lines into {@code out}; {@code labels} by agent id. Called by one thread at a time. */
    void render(Connection c, Instant now, Map<String, Labels> labels, Families out) throws SQLException {
        String xmin = store.snapshotXmin(c);
        List<CheckAssignment.Check> defs = store.definitions(c);
        boolean full = keptXmin == null || !defs.equals(definitions);
        String since = keptXmin;
        keptXmin = null; // trusted again only once this rendering has completed
        List<FleetStore.TargetRow> targets = store.targets(c);
        double nowEpoch = now.getEpochSecond() + now.getNano() / 1e9;
        Map<String, Map<String, FleetStore.Latest>> changed = full ? Map.of() : store.changedSince(c, since);
        List<String> whole = full ? null : wholeTargets(targets, labels);
        Map<String, Map<String, FleetStore.Latest>> latest = full ? store.latest(c, null)
                : whole.isEmpty() ? Map.of() : store.latest(c, whole);
        CheckAssignment assignment = new CheckAssignment(defs);
        Map<String, TargetLines> next = new HashMap<>(targets.size() * 2);
        int targetsRendered = 0;
        int checksRendered = 0;
        for (FleetStore.TargetRow t : targets) {
            Labels l = labels.get(t.id());
            if (l == null) {
                continue; // not in this snapshot's targets: cannot happen within one transaction
            }
            TargetLines before = full ? null : kept.get(t.id());
            TargetLines lines = lines(before, t, l, assignment, latest, changed, nowEpoch, out);
            checksRendered += lines == before ? 0 : lines.rendered();
            targetsRendered += lines == before ? 0 : 1;
            next.put(t.id(), lines);
            out.status().block(lines.block(0));
            out.stale().block(lines.block(1));
            out.duration().block(lines.block(2));
            out.lastRun().block(lines.block(3));
        }
        kept = next;
        definitions = defs;
        keptXmin = xmin;
        lastRendered = targetsRendered;
        lastChecksRendered = checksRendered;
    }

    /** The target's lines now: made whole when new or its key changed, else {@code before} with its changed checks'. */
    private static TargetLines lines(TargetLines before, FleetStore.TargetRow t, Labels l, CheckAssignment assignment,
                                     Map<String, Map<String, FleetStore.Latest>> latest,
                                     Map<String, Map<String, FleetStore.Latest>> changed, double now, Families out) {
        TargetLines.Key key = new TargetLines.Key(t.groupId(), t.online(), l.text());
        if (before == null || !before.key().equals(key)) {
            return TargetLines.render(key, l, assignment.of(t.id(), t.groupId()), latest.getOrDefault(t.id(), Map.of()), now, out);
        }
        return before.changed(l, changed.getOrDefault(t.id(), Map.of()), now, out);
    }

    /** Targets all of whose lines are made again (results read whole): new, moved, renamed, online or offline. */
    private List<String> wholeTargets(List<FleetStore.TargetRow> targets, Map<String, Labels> labels) {
        List<String> out = new ArrayList<>();
        for (FleetStore.TargetRow t : targets) {
            Labels l = labels.get(t.id());
            TargetLines b = kept.get(t.id());
            if (l != null && (b == null || !b.key().equals(new TargetLines.Key(t.groupId(), t.online(), l.text())))) {
                out.add(t.id());
            }
        }
        return out;
    }
}
