package io.aami.server.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One target's check lines as {@link CheckBlocks} keeps them: per family one block of bytes with each assigned check's
 * segment found by offset, and what each check's lines were made from (its result, and the moment its stale line
 * turns to 1), so that a change of some checks makes only their lines again and copies the rest of the block.
 * Immutable: a change makes a new instance (a rendering still being written may hold the old blocks).
 */
final class TargetLines {
    /** What a target's lines depend on besides its results and the definitions. */
    record Key(String groupId, boolean online, String labels) {
    }

    private static final int FAMILIES = 4;
    private final Key key;
    private final List<CheckAssignment.Check> checks;
    private final FleetStore.Latest[] results;
    /** Per check, when its stale line turns to 1 by time (epoch seconds); infinite when it never will (already 1). */
    private final double[] lateAt;
    private final double firstLate;
    /** Per family (status, stale, duration, last run): the lines, and check i's at {@code [offsets[i], offsets[i + 1])}. */
    private final byte[][] blocks;
    private final int[][] offsets;
    private final int rendered;

    private TargetLines(Key key, List<CheckAssignment.Check> checks, FleetStore.Latest[] results, double[] lateAt,
                        byte[][] blocks, int[][] offsets, int rendered) {
        this.key = key;
        this.checks = checks;
        this.results = results;
        this.lateAt = lateAt;
        this.blocks = blocks;
        this.offsets = offsets;
        this.rendered = rendered;
        this.firstLate = Arrays.stream(lateAt).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** Every line of a target made anew: its assigned {@code checks} and their {@code results} by check id. */
    static TargetLines render(Key key, CheckBlocks.Labels labels, List<CheckAssignment.Check> checks,
                              Map<String, FleetStore.Latest> results, double now, CheckBlocks.Families f) {
        int n = checks.size();
        FleetStore.Latest[] rs = new FleetStore.Latest[n];
        double[] late = new double[n];
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            rs[i] = results.get(checks.get(i).id());
            all[i] = i;
        }
        TargetLines empty = new TargetLines(key, checks, rs, late, new byte[FAMILIES][0], new int[FAMILIES][n + 1], n);
        return empty.with(labels, all, rs, now, f);
    }

    Key key() {
        return key;
    }

    /** The family's lines (0 status, 1 stale, 2 duration, 3 last run): not to be changed. */
    byte[] block(int family) {
        return blocks[family];
    }

    /**
     * The lines after {@code changed} (check id to its result now, null for none; ids not assigned to this target are
     * ignored) and the passing of time up to {@code now}: this instance when none of its lines change.
     */
    TargetLines changed(CheckBlocks.Labels labels, Map<String, FleetStore.Latest> changed, double now, CheckBlocks.Families f) {
        if (changed.isEmpty() && firstLate >= now) {
            return this;
        }
        int[] redo = new int[checks.size()];
        int count = 0;
        FleetStore.Latest[] rs = results.clone();
        for (int i = 0; i < rs.length; i++) {
            String id = checks.get(i).id();
            boolean resultChanged = changed.containsKey(id);
            if (resultChanged) {
                rs[i] = changed.get(id);
            }
            if (resultChanged || lateAt[i] < now) {
                redo[count++] = i;
            }
        }
        return count == 0 ? this : with(labels, Arrays.copyOf(redo, count), rs, now, f);
    }

    /** Checks assigned to the target. */
    int checks() {
        return checks.size();
    }

    /** Checks whose lines this instance made (all of them when made by {@link #render}). */
    int rendered() {
        return rendered;
    }

    /** A copy with the lines of checks {@code redo} (ascending) made from {@code rs}, every other segment copied. */
    private TargetLines with(CheckBlocks.Labels labels, int[] redo, FleetStore.Latest[] rs, double now, CheckBlocks.Families f) {
        int n = checks.size();
        double[] late = lateAt.clone();
        byte[][][] fresh = new byte[redo.length][][];
        for (int j = 0; j < redo.length; j++) {
            int i = redo[j];
            FleetStore.Latest r = rs[i];
            boolean stale = r == null || !key.online() || r.lateAt() < now;
            late[i] = stale ? Double.POSITIVE_INFINITY : r.lateAt();
            fresh[j] = lines(f, labels(labels, checks.get(i).name()), r, stale);
        }
        byte[][] nextBlocks = new byte[FAMILIES][];
        int[][] nextOffsets = new int[FAMILIES][n + 1];
        for (int family = 0; family < FAMILIES; family++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(blocks[family].length + 256 * redo.length);
            int[] off = offsets[family];
            int[] nextOff = nextOffsets[family];
            int from = 0; // next check whose segment is copied
            for (int j = 0; j <= redo.length; j++) {
                int upTo = j < redo.length ? redo[j] : n;
                int shift = out.size() - off[from];
                out.write(blocks[family], off[from], off[upTo] - off[from]);
                for (int i = from + 1; i <= upTo; i++) {
                    nextOff[i] = off[i] + shift;
                }
                if (j < redo.length) {
                    out.writeBytes(fresh[j][family]);
                    nextOff[upTo + 1] = out.size();
                    from = upTo + 1;
                }
            }
            nextBlocks[family] = out.toByteArray();
        }
        return new TargetLines(key, checks, rs, late, nextBlocks, nextOffsets, redo.length);
    }

    /** One check's line per family; no result: only its stale line (1), no invented values. */
    private static byte[][] lines(CheckBlocks.Families f, byte[] labels, FleetStore.Latest r, boolean stale) {
        ByteArrayOutputStream staleLine = new ByteArrayOutputStream(labels.length + 32);
        f.stale().line(staleLine, labels, stale ? 1 : 0);
        if (r == null) {
            return new byte[][] {new byte[0], staleLine.toByteArray(), new byte[0], new byte[0]};
        }
        return new byte[][] {line(f.status(), labels, r.status()), staleLine.toByteArray(),
                line(f.duration(), labels, r.durationSeconds()), line(f.lastRun(), labels, r.executedAt())};
    }

    private static byte[] line(FleetText.Family family, byte[] labels, double value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(labels.length + 48);
        family.line(out, labels, value);
        return out.toByteArray();
    }

    private static byte[] labels(CheckBlocks.Labels l, String name) {
        byte[] escaped = ExpositionBuffer.escape(name).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[l.head().length + escaped.length + l.tail().length];
        System.arraycopy(l.head(), 0, out, 0, l.head().length);
        System.arraycopy(escaped, 0, out, l.head().length, escaped.length);
        System.arraycopy(l.tail(), 0, out, l.head().length + escaped.length, l.tail().length);
        return out;
    }
}
