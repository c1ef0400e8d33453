package io.aami.server.metrics;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check series of each target ({@code aami_check_status}, {@code _stale}, {@code _duration_seconds},
 * {@code _last_run_timestamp_seconds}) kept as rendered lines between renderings, so that a rendering reads and
 * writes only the targets whose lines may have changed, and streams the others' kept bytes. A target is rendered
 * again when a transaction its last rendering could not have seen changed its latest results (V017's
 * {@code check_latest_changes}, written by a trigger: any replica's ingest, or any SQL), when its group, online
 * state or labels changed, or when one of its results has turned stale by time since; everything is rendered again
 * when the enabled check definitions changed (the assignment, names, intervals), at the first rendering, and after
 * a rendering that failed (nothing kept is trusted then). The text is byte for byte a full rendering's: the same
 * rows in the same order, each target's lines from the same code.
 */
final class CheckBlocks {
    /** A target's label bytes around the check's name: {@code agent_id="…",check="} and {@code ",group="…",hostname="…"} }. */
    record Labels(byte[] head, byte[] tail, String text) {
    }

    /** The families the lines belong to, in {@link Block#lines} order. */
    record Families(FleetText.Family status, FleetText.Family stale, FleetText.Family duration, FleetText.Family lastRun) {
    }

    /** What a target's lines depend on besides its results and the definitions. */
    private record Key(String groupId, boolean online, String labels) {
    }

    /** A target's lines per family, and the moment (epoch seconds) the first of its results turns stale by time. */
    private record Block(Key key, byte[][] lines, double lateAt) {
    }

    private final FleetStore store;
    private Map<String, Block> kept = Map.of();
    private List<CheckAssignment.Check> definitions = List.of();
    /** The snapshot xmin of the rendering {@link #kept} comes from; null while nothing is kept. */
    private String keptXmin;
    private int lastRendered;

    CheckBlocks(FleetStore store) {
        this.store = store;
    }

    /** Targets whose lines the last rendering made anew (the others' were kept). */
    int lastRendered() {
        return lastRendered;
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
        Set<String> renderNow = full ? null : toRender(targets, labels, store.changedSince(c, since), nowEpoch);
        Map<String, Map<String, FleetStore.Latest>> latest = full ? store.latest(c, null)
                : renderNow.isEmpty() ? Map.of() : store.latest(c, renderNow);
        CheckAssignment assignment = new CheckAssignment(defs);
        Map<String, Block> next = new HashMap<>(targets.size() * 2);
        for (FleetStore.TargetRow t : targets) {
            Labels l = labels.get(t.id());
            if (l == null) {
                continue; // not in this snapshot's targets: cannot happen within one transaction
            }
            Block b = full || renderNow.contains(t.id())
                    ? block(t, l, assignment.of(t.id(), t.groupId()), latest.getOrDefault(t.id(), Map.of()), nowEpoch, out)
                    : kept.get(t.id());
            next.put(t.id(), b);
            out.status().block(b.lines()[0]);
            out.stale().block(b.lines()[1]);
            out.duration().block(b.lines()[2]);
            out.lastRun().block(b.lines()[3]);
        }
        kept = next;
        definitions = defs;
        keptXmin = xmin;
        lastRendered = full ? next.size() : renderNow.size();
    }

    /** The targets whose kept lines may be out of date: results changed, new, moved, renamed, offline, or turned stale. */
    private Set<String> toRender(List<FleetStore.TargetRow> targets, Map<String, Labels> labels, Set<String> changed,
                                 double nowEpoch) {
        Set<String> out = new HashSet<>();
        for (FleetStore.TargetRow t : targets) {
            Labels l = labels.get(t.id());
            Block b = kept.get(t.id());
            if (l != null && (b == null || changed.contains(t.id()) || !b.key().equals(key(t, l)) || b.lateAt() < nowEpoch)) {
                out.add(t.id());
            }
        }
        return out;
    }

    private static Key key(FleetStore.TargetRow t, Labels l) {
        return new Key(t.groupId(), t.online(), l.text());
    }

    private static Block block(FleetStore.TargetRow t, Labels l, List<CheckAssignment.Check> checks,
                               Map<String, FleetStore.Latest> results, double nowEpoch, Families f) {
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        ByteArrayOutputStream stale = new ByteArrayOutputStream();
        ByteArrayOutputStream duration = new ByteArrayOutputStream();
        ByteArrayOutputStream lastRun = new ByteArrayOutputStream();
        double lateAt = Double.POSITIVE_INFINITY;
        Map<String, byte[]> names = new HashMap<>();
        for (CheckAssignment.Check k : checks) {
            byte[] labels = labels(l, names.computeIfAbsent(k.name(), CheckBlocks::escaped));
            FleetStore.Latest r = results.get(k.id());
            if (r == null) {
                f.stale().line(stale, labels, 1); // no result yet
                continue;
            }
            boolean late = r.lateAt() < nowEpoch;
            if (t.online() && !late) {
                lateAt = Math.min(lateAt, r.lateAt()); // from then on this line reads 1
            }
            f.stale().line(stale, labels, !t.online() || late ? 1 : 0);
            f.status().line(status, labels, r.status());
            f.duration().line(duration, labels, r.durationSeconds());
            f.lastRun().line(lastRun, labels, r.executedAt());
        }
        byte[][] lines = {status.toByteArray(), stale.toByteArray(), duration.toByteArray(), lastRun.toByteArray()};
        return new Block(key(t, l), lines, lateAt);
    }

    private static byte[] escaped(String name) {
        return ExpositionBuffer.escape(name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] labels(Labels l, byte[] name) {
        byte[] out = new byte[l.head().length + name.length + l.tail().length];
        System.arraycopy(l.head(), 0, out, 0, l.head().length);
        System.arraycopy(name, 0, out, l.head().length, name.length);
        System.arraycopy(l.tail(), 0, out, l.head().length + name.length, l.tail().length);
        return out;
    }
}
